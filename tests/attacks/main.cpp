// Attack tests: each escape class run for real against ward's defaults,
// inside containers or fresh namespaces, never against the host. Run as
// root by the `attacks` lane of `make check`.
#define BOOST_TEST_MODULE ward attack tests
#include <boost/test/unit_test.hpp>
