// What `create` spends on the seccomp filter, without the noise of a whole
// container start: for the built-in default-deny profile, the time to build
// the filter (precompiled program vs. a libseccomp compile of the same
// profile) and to load it, each in a fresh forked child, as the init does.
// Prints one markdown row per mode, medians over RUNS children. Times are
// the child's own CPU time (user + kernel), so other load on a shared
// machine does not inflate them.
#include "ward/seccomp/filter.hpp"
#include "ward/seccomp/profiles.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace ward;

namespace {

double cpu_us() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

struct Sample {
    double build_us;
    double load_us;
};

Sample one(const spec::Seccomp& profile, bool precompiled) {
    int fds[2];
    if (::pipe(fds) < 0)
        std::exit(1);
    pid_t pid = ::fork();
    if (pid == 0) {
        double t0 = cpu_us();
        auto filter =
            precompiled ? seccomp::Filter::build(profile) : seccomp::Filter::compile(profile);
        double t1 = cpu_us();
        ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        filter.load();
        double t2 = cpu_us();
        Sample s{t1 - t0, t2 - t1};
        _exit(::write(fds[1], &s, sizeof s) == sizeof s ? 0 : 1);
    }
    ::close(fds[1]);
    Sample s{};
    if (::read(fds[0], &s, sizeof s) != sizeof s)
        std::exit(1);
    ::close(fds[0]);
    ::waitpid(pid, nullptr, 0);
    return s;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
    int runs = argc > 1 ? std::atoi(argv[1]) : 100;
    auto profile = seccomp::builtin_profile_spec("default-deny");
    std::printf("| default-deny filter (CPU time) | build [µs] | load [µs] | build + load [ms] |\n"
                "|:---|---:|---:|---:|\n");
    for (bool precompiled : {true, false}) {
        std::vector<double> build, load, total;
        for (int i = 0; i < runs; ++i) {
            Sample s = one(profile, precompiled);
            build.push_back(s.build_us);
            load.push_back(s.load_us);
            total.push_back(s.build_us + s.load_us);
        }
        std::printf("| %s | %.0f | %.0f | %.3f |\n",
                    precompiled ? "precompiled at build time (policy fill)"
                                : "compiled by libseccomp (profile in config.json)",
                    median(build), median(load), median(total) / 1000);
    }
    return 0;
}
