// CVE-2021-30465 (runc symlink-exchange mount race) and its chmod variant:
// a host directory is bind-mounted into the container as a volume, the way
// another container (the attacker) shares it; the config has further
// mounts whose destinations lie inside that volume, so ward creates them
// there. A racer process swaps those names for symlinks to a "host"
// directory or file (BUNDLE_DIR/host, absolute) while ward runs the
// container again and again under the hardened defaults. Before the pivot
// an absolute symlink resolves on the host, so any mkdir, chmod or mount
// ward made by name would land there.
//
// Blocked: nothing was ever mounted over the host side (the test's mount
// table), nothing there was made, chmod'ed, chown'ed or written, in any
// run. The attack ran: the racer swapped, and some runs had a swapped name
// under them (a mount followed the symlink, clamped inside the root, or
// create refused the raced target). The control does mkdir + chmod by name
// in the same race from a plain process, and reaches the host file.
#include "attacks/attack.hpp"
#include "attacks/races.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <sys/stat.h>

using namespace ward_attack;
using ward_it::Json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kMaxRuns = 150;
constexpr int kMinRuns = 20;
constexpr auto kBudget = std::chrono::seconds(40);

// The shared volume and the host side the racer's symlinks point at.
struct Volume {
    explicit Volume(Bundle& b) {
        dir = b.dir + "/volume";
        host = b.dir + "/host";
        host_file = host + "/file";
        fs::create_directories(dir);
        fs::create_directories(host);
        ::chmod(host.c_str(), 0700);
        make_host_file(host_file, "host secret\n", 0600);
        source_file = b.dir + "/source-file";
        make_host_file(source_file, "bound\n", 0644);
        b.config["mounts"].push(ward_it::mount_entry("/vol", "bind", dir, {"rbind", "rw"}));
        b.set_args({"/checker", "mounts"});
    }
    std::string dir;         // bound at /vol
    std::string host;        // stands for a host directory
    std::string host_file;   // stands for a host file
    std::string source_file; // a bind source of a file mount
};

struct Tally {
    int runs = 0;
    int in_volume = 0;   // every mount landed where the config says
    int elsewhere = 0;   // a swapped name was followed, clamped inside the root
    int refused = 0;     // create refused a raced mount target
    std::string refusal; // the first refusal's message
    std::vector<std::string> unrelated;
    std::string summary(long swaps) const {
        return std::to_string(runs) + " runs, " + std::to_string(swaps) +
               " swaps: " + std::to_string(in_volume) + " mounted in the volume, " +
               std::to_string(elsewhere) + " followed a swapped symlink inside the root, " +
               std::to_string(refused) + " refused a raced target" +
               (refusal.empty() ? "" : " (" + refusal + ")");
    }
};

bool mounted_at(const std::string& out, const std::string& point) {
    for (const auto& line : ward_it::values_of(out, "mount"))
        if (line.rfind(point + " ", 0) == 0)
            return true;
    return false;
}

// `/checker mounts` under hardened until kMaxRuns runs or kBudget, with
// reset() before each run; each run tells where the destinations landed.
Tally race_runs(Bundle& b, const std::function<void()>& reset,
                const std::vector<std::string>& dests) {
    Tally t;
    auto end = Clock::now() + kBudget;
    while (t.runs < kMaxRuns && Clock::now() < end) {
        reset();
        Result r = hardened(b, "run", b.new_id("race"));
        ++t.runs;
        if (r.status == 0) {
            bool all = true;
            for (const auto& d : dests)
                all = all && mounted_at(r.out, d);
            ++(all ? t.in_volume : t.elsewhere);
        } else if (r.err.find("mount /vol/") != std::string::npos) {
            if (t.refused++ == 0)
                t.refusal = first_line(r.err);
        } else if (t.unrelated.size() < 3) {
            t.unrelated.push_back("exit " + std::to_string(r.status) + ": " + r.err);
        }
    }
    return t;
}

// Mode bits of a path (not followed), or -1.
int mode_of(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
}

// The control: a plain process in the same race, mkdir then chmod 0755 by
// name, until the watched path's mode is no longer `original` (or 20 s).
// The watched path gets `original` back first, whatever the attack did.
bool chmod_by_name_hits(const std::string& dir, const std::string& name,
                        const std::function<void()>& reset, const std::string& watched,
                        int original, std::string& detail) {
    ::chmod(watched.c_str(), static_cast<mode_t>(original));
    int rounds = 0;
    auto end = Clock::now() + std::chrono::seconds(20);
    while (mode_of(watched) == original && Clock::now() < end) {
        reset();
        ++rounds;
        std::string path = dir + "/" + name;
        if (::mkdir(path.c_str(), 0755) == 0) {
            int rc = ::chmod(path.c_str(), 0755); // fails when it lost the race
            (void)rc;
        }
    }
    detail = "mkdir + chmod by name of " + name + " in the volume changed " + watched + " after " +
             std::to_string(rounds) + " rounds";
    return mode_of(watched) != original;
}

void judge(const std::string& attack, const Tally& t, long swaps, const std::string& host,
           const std::string& before) {
    Findings f;
    f.outcomes.push_back(t.summary(swaps));
    if (t.runs < kMinRuns || swaps == 0 || t.elsewhere + t.refused == 0)
        f.problems.push_back("the racer never got under ward");
    for (const auto& u : t.unrelated)
        f.problems.push_back("failed for another reason: " + u);
    std::string diff = changed(before, snapshot(host));
    if (!diff.empty())
        f.reached.push_back(diff);
    for (const auto& point : host_mounts_under(host))
        f.reached.push_back("mounted on the host at " + point);
    f.report(attack, "the host side is untouched");
}

} // namespace

BOOST_AUTO_TEST_SUITE(mount_races)

// Mount targets in the volume swapped for symlinks to a host directory and
// a host file: the mounts must never land there, nothing may be made there.
BOOST_AUTO_TEST_CASE(mount_targets_swapped_for_host_symlinks) {
    Bundle b;
    b.leave_to_policy();
    Volume v(b);
    b.config["mounts"].push(
        ward_it::mount_entry("/vol/t/sub", "tmpfs", "tmpfs", {"nosuid", "nodev", "size=64k"}));
    b.config["mounts"].push(ward_it::mount_entry("/vol/f", "bind", v.source_file, {"bind", "ro"}));
    std::string t = v.dir + "/t", f = v.dir + "/f";
    std::string before = snapshot(v.host);
    auto reset = [&] {
        reset_missing(t, t + ".swap", v.host);
        reset_missing(f, f + ".swap", v.host_file);
    };
    reset();
    Tally tally;
    long swaps = 0;
    {
        Racer racer({{t, t + ".swap"}, {f, f + ".swap"}});
        tally = race_runs(b, reset, {"/vol/t/sub", "/vol/f"});
        swaps = racer.swaps();
    }
    judge("CVE-2021-30465/mount-target-swap", tally, swaps, v.host, before);

    Racer racer({{t, t + ".swap"}});
    std::string detail;
    bool hit = chmod_by_name_hits(
        v.dir, "t", [&] { reset_missing(t, t + ".swap", v.host); }, v.host, 0700, detail);
    report_control("CVE-2021-30465/mount-target-swap", hit, detail);
}

// The chmod race on its own: nested directories and a file ward must
// create with a mode, swapped for symlinks to a host file whose mode is
// watched. ward's old walk did mkdirat then fchmodat by name, following.
BOOST_AUTO_TEST_CASE(created_targets_swapped_for_a_host_file_keep_its_mode) {
    Bundle b;
    b.leave_to_policy();
    Volume v(b);
    b.config["mounts"].push(
        ward_it::mount_entry("/vol/d/e/x", "tmpfs", "tmpfs", {"nosuid", "nodev", "size=64k"}));
    b.config["mounts"].push(ward_it::mount_entry("/vol/g", "bind", v.source_file, {"bind", "ro"}));
    std::string d = v.dir + "/d", e = v.dir + "/d/e", g = v.dir + "/g";
    std::string before = snapshot(v.host);
    auto reset = [&] {
        reset_missing(d, d + ".swap", v.host_file);
        reset_missing(e, v.dir + "/e.swap", v.host_file);
        reset_missing(g, g + ".swap", v.host_file);
    };
    reset();
    Tally tally;
    long swaps = 0;
    {
        Racer racer({{d, d + ".swap"}, {e, v.dir + "/e.swap"}, {g, g + ".swap"}});
        tally = race_runs(b, reset, {"/vol/d/e/x", "/vol/g"});
        swaps = racer.swaps();
    }
    judge("CVE-2021-30465/chmod-created-target", tally, swaps, v.host, before);

    Racer racer({{d, d + ".swap"}});
    std::string detail;
    bool hit = chmod_by_name_hits(
        v.dir, "d", [&] { reset_missing(d, d + ".swap", v.host_file); }, v.host_file, 0600, detail);
    report_control("CVE-2021-30465/chmod-created-target", hit, detail);
}

// The racer that always wins (swap_shim.c): every target ward creates in
// the volume is swapped for a symlink to the host right after ward made
// it, or (second run) right after ward looked it up and found its own
// directory or file there. No timing luck involved: whatever ward does by
// name after either moment lands on the host.
BOOST_AUTO_TEST_CASE(mount_targets_swapped_at_the_worst_moment) {
    const std::vector<std::string> dirs = {"t", "sub", "d", "e", "x"};
    Findings f;
    for (const char* when : {"create", "lookup"}) {
        Bundle b;
        b.leave_to_policy();
        Volume v(b);
        for (const auto& d : dirs) {
            fs::create_directories(v.host + "/" + d);
            ::chmod((v.host + "/" + d).c_str(), 0700);
        }
        make_host_file(v.host + "/f", "host secret\n", 0600);
        b.config["mounts"].push(
            ward_it::mount_entry("/vol/t/sub", "tmpfs", "tmpfs", {"nosuid", "nodev", "size=64k"}));
        b.config["mounts"].push(
            ward_it::mount_entry("/vol/f", "bind", v.source_file, {"bind", "ro"}));
        b.config["mounts"].push(
            ward_it::mount_entry("/vol/d/e/x", "tmpfs", "tmpfs", {"nosuid", "nodev", "size=64k"}));
        std::vector<std::string> names = dirs;
        names.push_back("f");
        swap_variant(f, b, when, names, v.host, "mount /vol/");
    }
    f.report("CVE-2021-30465/worst-moment-swap", "the host side is untouched");
}

BOOST_AUTO_TEST_SUITE_END()
