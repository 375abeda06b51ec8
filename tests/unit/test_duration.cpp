// `events --interval` takes Go's duration syntax, as runc's flag does.
#include "../../runtime/cli/duration.hpp"

#include <boost/test/unit_test.hpp>

using ward::cli::parse_go_duration;
using namespace std::chrono;

BOOST_AUTO_TEST_SUITE(go_duration)

BOOST_AUTO_TEST_CASE(accepts_what_go_accepts) {
    BOOST_TEST(parse_go_duration("5s")->count() == 5000000000LL);
    BOOST_TEST(parse_go_duration("300ms")->count() == 300000000LL);
    BOOST_TEST(parse_go_duration("1m30s")->count() == 90000000000LL);
    BOOST_TEST(parse_go_duration("1.5h")->count() == 5400000000000LL);
    BOOST_TEST(parse_go_duration(".5s")->count() == 500000000LL);
    BOOST_TEST(parse_go_duration("1.s")->count() == 1000000000LL);
    BOOST_TEST(parse_go_duration("2us")->count() == 2000);
    BOOST_TEST(parse_go_duration("2\u00b5s")->count() == 2000);
    BOOST_TEST(parse_go_duration("7ns")->count() == 7);
    BOOST_TEST(parse_go_duration("0")->count() == 0);
    BOOST_TEST(parse_go_duration("-2s")->count() == -2000000000LL);
    BOOST_TEST(parse_go_duration("+2s")->count() == 2000000000LL);
    BOOST_TEST(parse_go_duration("2562047h")->count() == 2562047LL * 3600 * 1000000000LL);
}

BOOST_AUTO_TEST_CASE(refuses_what_go_refuses) {
    for (const char* bad : {"", "5", "s", "1x", "1mx", ".s", "1..5s", "--1s", "1s2", "5 s",
                            "2562048h", "9223372036854775808ns"})
        BOOST_TEST(!parse_go_duration(bad).has_value(), bad);
    BOOST_TEST(parse_go_duration("-9223372036854775808ns")->count() == INT64_MIN);
}

BOOST_AUTO_TEST_SUITE_END()
