// Integration tests: run as root, start real containers with $WARD
// (default build/ward) and assert from inside them with $CHECKER.
#define BOOST_TEST_MODULE ward integration tests
#include <boost/test/unit_test.hpp>
