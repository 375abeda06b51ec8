// Reading the error a call throws, for the unit tests that check what a
// user is told (the field, the value, what to do).
#pragma once

#include "ward/base/error.hpp"

#include <boost/test/unit_test.hpp>
#include <functional>
#include <string>

namespace ward::test {

// The message of the ward::Error fn throws; fails the test if it throws
// none.
inline std::string error_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.what();
    }
    BOOST_FAIL("expected an error, got none");
    return "";
}

// Checks that fn throws a ward::Error whose message holds `needle`.
inline void check_fails_with(const std::function<void()>& fn, const std::string& needle) {
    try {
        fn();
        BOOST_ERROR("no error; expected one mentioning \"" << needle << "\"");
    } catch (const Error& e) {
        BOOST_CHECK_MESSAGE(std::string(e.what()).find(needle) != std::string::npos,
                            "error \"" << e.what() << "\" lacks \"" << needle << "\"");
    }
}

} // namespace ward::test
