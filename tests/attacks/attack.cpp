#include "attacks/attack.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

namespace ward_attack {

namespace {

const char* shown(Outcome outcome) {
    switch (outcome) {
    case Outcome::blocked:
        return "blocked";
    case Outcome::not_blocked:
        return "NOT BLOCKED";
    case Outcome::could_not_run:
        return "COULD NOT RUN";
    }
    return "?";
}

} // namespace

void report(std::string_view attack, Outcome outcome, std::string_view detail) {
    std::string line =
        "attack " + std::string(attack) + ": " + shown(outcome) + ": " + std::string(detail);
    BOOST_TEST_MESSAGE(line);
    BOOST_TEST((outcome == Outcome::blocked), line);
}

Result with_policy(Bundle& b, const std::string& policy, const std::string& verb,
                   const std::string& id, const std::vector<std::string>& extra) {
    b.write_config();
    std::vector<std::string> args = {"--policy", ward_it::shipped_policy(policy), verb, "--bundle",
                                     b.bundle_dir};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(id);
    return b.runtime(args);
}

Result hardened(Bundle& b, const std::string& verb, const std::string& id,
                const std::vector<std::string>& extra) {
    return with_policy(b, "hardened", verb, id, extra);
}

void report_allowed_by_policy(std::string_view attack, std::string_view why) {
    BOOST_TEST_MESSAGE("attack " + std::string(attack) +
                       ": allowed by the policy: " + std::string(why));
}

void report_control(std::string_view attack, bool worked, std::string_view detail) {
    std::string line = "control " + std::string(attack) + ": " +
                       (worked ? "works against a weakened setup: " : "FAILED: ") +
                       std::string(detail);
    BOOST_TEST_MESSAGE(line);
    BOOST_TEST(worked, line);
}

} // namespace ward_attack
