#include "ward/linux/signals.hpp"

#include <boost/test/unit_test.hpp>
#include <csignal>

using ward::linux::signal_name;

namespace {
// -1 stands for "refused" so failures print as plain numbers.
int parse(std::string_view text) {
    return ward::linux::parse_signal(text).value_or(-1);
}
} // namespace

BOOST_AUTO_TEST_SUITE(signals)

BOOST_AUTO_TEST_CASE(names_with_and_without_prefix_in_any_case) {
    BOOST_TEST(parse("KILL") == SIGKILL);
    BOOST_TEST(parse("SIGKILL") == SIGKILL);
    BOOST_TEST(parse("kill") == SIGKILL);
    BOOST_TEST(parse("sigterm") == SIGTERM);
    BOOST_TEST(parse("SIGWINCH") == SIGWINCH);
    BOOST_TEST(parse("IOT") == SIGABRT);
}

BOOST_AUTO_TEST_CASE(numbers_from_1_to_64) {
    BOOST_TEST(parse("9") == 9);
    BOOST_TEST(parse("1") == 1);
    BOOST_TEST(parse("64") == 64);
    BOOST_TEST(parse("0") == -1);
    BOOST_TEST(parse("65") == -1);
    BOOST_TEST(parse("-9") == -1);
    BOOST_TEST(parse("9x") == -1);
    BOOST_TEST(parse("99999999999999999999") == -1);
}

BOOST_AUTO_TEST_CASE(realtime_signals_count_from_both_ends) {
    BOOST_TEST(parse("SIGRTMIN") == SIGRTMIN);
    BOOST_TEST(parse("SIGRTMIN+3") == SIGRTMIN + 3);
    BOOST_TEST(parse("rtmin+3") == SIGRTMIN + 3);
    BOOST_TEST(parse("RTMAX-1") == SIGRTMAX - 1);
    BOOST_TEST(parse("RTMAX") == SIGRTMAX);
    BOOST_TEST(parse("RTMIN+30") == SIGRTMAX);
    BOOST_TEST(parse("RTMIN+31") == -1);
    BOOST_TEST(parse("RTMIN-1") == -1);
    BOOST_TEST(parse("RTMAX+1") == -1);
    BOOST_TEST(parse("RTMIN+") == -1);
    BOOST_TEST(parse("RTMIN+x") == -1);
}

BOOST_AUTO_TEST_CASE(junk_is_refused) {
    BOOST_TEST(parse("") == -1);
    BOOST_TEST(parse("SIG") == -1);
    BOOST_TEST(parse("NOPE") == -1);
    BOOST_TEST(parse("SIGSIGKILL") == -1);
    BOOST_TEST(parse(" KILL") == -1);
}

BOOST_AUTO_TEST_CASE(names_round_trip) {
    BOOST_TEST(signal_name(SIGKILL) == "SIGKILL");
    BOOST_TEST(signal_name(SIGABRT) == "SIGABRT");
    BOOST_TEST(signal_name(SIGCHLD) == "SIGCHLD");
    BOOST_TEST(signal_name(SIGRTMIN) == "SIGRTMIN");
    BOOST_TEST(signal_name(SIGRTMIN + 3) == "SIGRTMIN+3");
    BOOST_TEST(signal_name(SIGRTMAX - 1) == "SIGRTMAX-1");
    BOOST_TEST(signal_name(32) == "signal 32");
    for (int signal = 1; signal <= 64; ++signal) {
        if (signal == 32 || signal == 33)
            continue;
        BOOST_TEST(parse(signal_name(signal)) == signal);
    }
}

BOOST_AUTO_TEST_SUITE_END()
