// Result<T>: a value or an Error. What a resident, the network or a file can get wrong is a
// return value, never an exception across a frame (STYLE.md).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace gk {

struct Error {
    std::string code;     // stable machine word, e.g. "too_long", "bad_check"
    std::string message;  // one line for logs and operators (never personal data)
};

template <class T>
class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const { return std::get<1>(v_); }

  private:
    std::variant<T, Error> v_;
};

// For operations that return nothing but may fail.
struct Ok {};
using Status = Result<Ok>;

}  // namespace gk
