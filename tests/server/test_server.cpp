// An httplib client for the test server, and the Authorization header.
#include "tests/server/test_server.h"

namespace gk::test {

httplib::Client TestServer::Client() const {
    httplib::Client c("127.0.0.1", port());
    c.set_connection_timeout(5);
    c.set_read_timeout(20);
    c.set_write_timeout(20);
    return c;
}

httplib::Headers Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

}  // namespace gk::test
