// The real gridkiosk-server binary for the HTTP tests: tests/support's ServerProcess, serving on
// a free port as soon as it is made (unless told otherwise), with an httplib client for it.
#pragma once

#include <httplib.h>

#include <string>

#include "tests/support/server_process.h"

namespace gk::test {

class TestServer : public ServerProcess {
  public:
    struct Options : ServerProcess::Options {
        bool start = true;  // Start() on a free port in the constructor
    };
    TestServer() : TestServer(Options{}) {}
    explicit TestServer(const Options& options) : ServerProcess(options) {
        if (options.start) Start();
    }

    httplib::Client Client() const;
};

// Default headers for a terminal or admin.
httplib::Headers Bearer(const std::string& token);

}  // namespace gk::test
