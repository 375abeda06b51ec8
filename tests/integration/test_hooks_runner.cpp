// The hook runner, with real /bin/sh hooks in a temp dir: what a hook sees
// (stdin, env, args, fds) and what ward reports when a hook fails.
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/log.hpp"
#include "ward/container/hooks.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

using namespace ward;
using ward::container::run_hooks;
using ward::container::run_hooks_warn_only;

namespace {

namespace fs = std::filesystem;

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/ward-hooks-XXXXXX";
        BOOST_REQUIRE(::mkdtemp(tmpl));
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string operator/(const std::string& name) const { return path + "/" + name; }
};

// A hook running `script` under /bin/sh -c, with env.
spec::Hook sh(const std::string& script, std::vector<std::string> env = {},
              std::optional<int32_t> timeout = std::nullopt) {
    return spec::Hook{"/bin/sh", {"sh", "-c", script}, std::move(env), timeout};
}

std::string run_error(const std::vector<spec::Hook>& hooks, const std::string& state = "{}") {
    try {
        run_hooks("prestart", hooks, state);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

bool exists(const std::string& path) {
    return ::access(path.c_str(), F_OK) == 0;
}

} // namespace

BOOST_AUTO_TEST_SUITE(hooks_runner)

BOOST_AUTO_TEST_CASE(hook_reads_the_state_on_stdin) {
    TempDir dir;
    std::string state = R"({"ociVersion":"1.3.0","id":"c1","status":"creating","pid":42})";
    run_hooks("createRuntime", {sh("cat > \"$OUT\"", {"OUT=" + (dir / "state")})}, state);
    BOOST_TEST(read_file(dir / "state") == state);
}

BOOST_AUTO_TEST_CASE(hook_env_is_exactly_its_own) {
    TempDir dir;
    ::setenv("WARD_TEST_CANARY", "leaked", 1);
    run_hooks("prestart", {sh("env > " + (dir / "env"), {"A=1", "B=two words"})}, "{}");
    ::unsetenv("WARD_TEST_CANARY");
    std::string env = read_file(dir / "env");
    BOOST_TEST(env.find("A=1\n") != std::string::npos);
    BOOST_TEST(env.find("B=two words\n") != std::string::npos);
    BOOST_TEST(env.find("WARD_TEST_CANARY") == std::string::npos);
    BOOST_TEST(env.find("HOME=") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(args_are_passed_with_args0_as_given) {
    TempDir dir;
    // argv[0] is visible in /proc/PID/cmdline; sh -c puts the next words in $0, $1.
    std::string script = "tr '\\0' '|' < /proc/$$/cmdline > " + (dir / "argv") +
                         "; echo \"$0 $1\" > " + (dir / "words");
    spec::Hook hook{"/bin/sh", {"custom-name", "-c", script, "one", "two"}, {}, std::nullopt};
    run_hooks("poststart", {hook}, "{}");
    BOOST_TEST(read_file(dir / "argv") == "custom-name|-c|" + script + "|one|two|");
    BOOST_TEST(read_file(dir / "words") == "one two\n");
}

BOOST_AUTO_TEST_CASE(empty_args_run_the_path_itself) {
    TempDir dir;
    std::string script = dir / "hook.sh";
    write_file_atomic(script, "#!/bin/sh\necho \"$0 $#\" > \"$(dirname \"$0\")/ran\"\n", 0755);
    run_hooks("prestart", {spec::Hook{script, {}, {}, std::nullopt}}, "{}");
    BOOST_TEST(read_file(dir / "ran") == script + " 0\n");
}

BOOST_AUTO_TEST_CASE(exit_status_names_kind_index_and_path) {
    TempDir dir;
    std::string err = run_error({sh("exit 0"), sh("exit 3"), sh("touch " + (dir / "third"))});
    BOOST_TEST(err == "prestart hook #1 (/bin/sh): exit status 3");
    BOOST_TEST(!exists(dir / "third")); // the first failure stops the rest
}

BOOST_AUTO_TEST_CASE(killed_by_a_signal) {
    BOOST_TEST(run_error({sh("kill -TERM $$")}) ==
               "prestart hook #0 (/bin/sh): killed by signal 15");
}

BOOST_AUTO_TEST_CASE(missing_executable_is_reported) {
    std::string err = run_error({spec::Hook{"/nonexistent/hook", {}, {}, std::nullopt}});
    BOOST_TEST(err == "prestart hook #0 (/nonexistent/hook): exec: no such file or directory");
}

BOOST_AUTO_TEST_CASE(timeout_kills_the_hook) {
    auto start = std::chrono::steady_clock::now();
    std::string err = run_error({sh("exec sleep 30", {}, 1)});
    auto elapsed = std::chrono::steady_clock::now() - start;
    BOOST_TEST(err == "prestart hook #0 (/bin/sh): timed out after 1s");
    BOOST_TEST(elapsed >= std::chrono::milliseconds(900));
    BOOST_TEST(elapsed < std::chrono::seconds(3));
}

BOOST_AUTO_TEST_CASE(a_fast_hook_is_not_held_by_its_timeout) {
    auto start = std::chrono::steady_clock::now();
    run_hooks("prestart", {sh("cat > /dev/null", {}, 10)}, "{}");
    BOOST_TEST((std::chrono::steady_clock::now() - start) < std::chrono::seconds(2));
}

BOOST_AUTO_TEST_CASE(hook_that_ignores_stdin_neither_hangs_nor_fails) {
    // Far more than a pipe buffer: a writer that blocked would hang here.
    std::string big = "{\"pad\":\"" + std::string(1 << 20, 'x') + "\"}";
    auto start = std::chrono::steady_clock::now();
    run_hooks("prestart", {sh("exit 0"), sh("sleep 0.2"), sh("exec 0<&-; sleep 0.1")}, big);
    BOOST_TEST((std::chrono::steady_clock::now() - start) < std::chrono::seconds(3));
}

BOOST_AUTO_TEST_CASE(hook_sees_only_stdio_fds) {
    TempDir dir;
    int leaked = ::open("/dev/null", O_RDONLY); // deliberately without O_CLOEXEC
    BOOST_REQUIRE(leaked >= 0);
    BOOST_REQUIRE(::dup2(leaked, 100) == 100);
    ::close(leaked);
    run_hooks(
        "prestart",
        {sh("if [ -e /proc/$$/fd/100 ]; then echo leaked; else echo clean; fi > " + (dir / "fds"))},
        "{}");
    ::close(100);
    BOOST_TEST(read_file(dir / "fds") == "clean\n");
}

BOOST_AUTO_TEST_CASE(warn_only_logs_and_continues) {
    TempDir dir;
    log::configure({dir / "log", log::Format::json, false});
    run_hooks_warn_only("poststop", {sh("exit 4"), sh("touch " + (dir / "second"))}, "{}");
    log::configure({});
    BOOST_TEST(exists(dir / "second"));
    std::string logged = read_file(dir / "log");
    BOOST_TEST(logged.find("\"level\":\"warning\"") != std::string::npos);
    BOOST_TEST(logged.find("poststop hook #0 (/bin/sh): exit status 4") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(no_hooks_is_a_no_op) {
    run_hooks("prestart", {}, "{}");
    run_hooks_warn_only("poststop", {}, "{}");
}

BOOST_AUTO_TEST_SUITE_END()
