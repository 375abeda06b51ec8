#define BOOST_TEST_MODULE ward unit tests
#include <boost/test/unit_test.hpp>
