// ward started for a verb that starts container processes re-executes
// itself from a detached read-only bind of its binary before the C library
// starts (runtime/linux/early_entry.cpp): seen from outside, under strace,
// its first process makes none of glibc's start-up calls (brk,
// arch_prctl) before the execveat, and the container still runs. A verb
// that starts none (`state`) runs as it is, with no execveat at all. The
// sanitizer build links dynamically with glibc's own entry: not "asan".
#include "integration/harness.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

using namespace ward_it;

namespace {

// A wrapper in the bundle's dir that runs the runtime under strace -f,
// logging process starts and the first calls of glibc's start-up.
std::string traced_runtime(const Bundle& b, const std::string& log) {
    std::string wrapper = b.dir + "/traced-ward";
    std::ofstream(wrapper) << "#!/bin/sh\nexec strace -f -qq -e trace=execve,execveat,brk,"
                              "arch_prctl -o '"
                           << log << "' '" << runtime_path() << "' \"$@\"\n";
    ::chmod(wrapper.c_str(), 0755);
    return wrapper;
}

// The calls strace logged for the first process, up to and including its
// first execveat (all of them when it made none).
std::vector<std::string> first_process_calls(const std::string& log) {
    std::ifstream in(log);
    std::vector<std::string> calls;
    std::string line, first_pid;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string pid, call;
        words >> pid >> call;
        if (first_pid.empty())
            first_pid = pid;
        if (pid != first_pid)
            continue;
        calls.push_back(call.substr(0, call.find('(')));
        if (calls.back() == "execveat")
            break;
    }
    return calls;
}

std::string joined(const std::vector<std::string>& calls) {
    std::string out;
    for (const auto& c : calls)
        out += c + " ";
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(early_reexec, *boost::unit_test::precondition(ward_only))

BOOST_AUTO_TEST_CASE(run_re_executes_before_the_c_library_starts) {
    Bundle b;
    b.set_args({"/checker", "exit", "0"});
    std::string log = b.dir + "/strace.log";
    RunOptions opts;
    opts.runtime = traced_runtime(b, log);
    Result r = b.run(b.new_id("early"), opts);
    BOOST_TEST_REQUIRE(r.status == 0, "run: " << r.err);
    auto calls = first_process_calls(log);
    BOOST_TEST_REQUIRE(!calls.empty(), "strace logged nothing");
    BOOST_TEST(calls.front() == "execve");
    BOOST_TEST(calls.back() == "execveat", "first process: " << joined(calls));
    for (const auto& call : calls)
        BOOST_TEST((call != "brk" && call != "arch_prctl"),
                   "glibc started before the re-exec: " << joined(calls));
}

BOOST_AUTO_TEST_CASE(state_runs_without_a_re_exec) {
    Bundle b;
    std::string log = b.dir + "/strace.log";
    RunOptions opts;
    opts.runtime = traced_runtime(b, log);
    Result r = b.runtime({"state", "no-such-container"}, opts);
    BOOST_TEST(r.status == 1);
    auto calls = first_process_calls(log);
    BOOST_TEST(joined(calls).find("execveat") == std::string::npos, joined(calls));
    BOOST_TEST(joined(calls).find("brk") != std::string::npos, joined(calls));
}

BOOST_AUTO_TEST_SUITE_END()
