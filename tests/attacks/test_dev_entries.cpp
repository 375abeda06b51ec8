// /dev entries of the rootfs aimed at the host. With no /dev mount in the
// config ward makes the device nodes in the rootfs itself, where an image
// (or whoever shares the rootfs) may have put symlinks to absolute host
// paths, and a racer may swap names while ward works. Before the pivot an
// absolute symlink resolves on the host, so a chmod, chown or mount by name
// of a /dev entry would reach a host file.
//
//   /dev/null, zero, ... symlinks to host files: the host files keep mode,
//       owner and content; the container gets real device nodes.
//   CVE-2025-31133: /dev/null a symlink or a plain file, so maskedPaths
//       would bind something else: masked paths stay masked, or create
//       refuses clearly.
//   CVE-2025-52565: /dev/console (and /dev/ptmx) aimed at the host with a
//       terminal asked for: ward never mounts /dev/console; the host file
//       stays as it was and the container runs or is refused clearly.
//
// The "host" is BUNDLE_DIR/host (see races.hpp). Every attack proves it
// ran: the racer swapped and runs happened, else it could not run.
#include "attacks/attack.hpp"
#include "attacks/races.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <sys/stat.h>
#include <sys/sysmacros.h>

using namespace ward_attack;
using ward_it::Json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

struct Node {
    const char* name;
    const char* entry; // what `checker ls /dev` prints for the real node
};

const Node kNodes[] = {{"null", "null char 1:3"},       {"zero", "zero char 1:5"},
                       {"full", "full char 1:7"},       {"random", "random char 1:8"},
                       {"urandom", "urandom char 1:9"}, {"tty", "tty char 5:0"}};

// The config's mounts without the /dev tmpfs: ward populates the rootfs's
// own /dev (the nested /dev/pts, /dev/shm, /dev/mqueue mounts stay).
void without_dev_mount(Bundle& b) {
    Json kept = Json::array();
    for (const auto& m : b.config["mounts"].items())
        if (m.at("destination").str() != "/dev")
            kept.push(m);
    b.config["mounts"] = kept;
}

// BUNDLE_DIR/host/NAME for every /dev name the attacks aim at the host.
struct HostFiles {
    explicit HostFiles(Bundle& b) : dir(b.dir + "/host") {
        fs::create_directories(dir);
        ::chmod(dir.c_str(), 0700);
        for (const auto& n : kNodes)
            make_host_file(dir + "/" + n.name, std::string("host ") + n.name + "\n", 0600);
        for (const char* n : {"ptmx", "console", "core_pattern"})
            make_host_file(dir + "/" + n, std::string("host ") + n + "\n", 0600);
    }
    std::string path(const std::string& name) const { return dir + "/" + name; }
    std::string dir;
};

std::string dev(Bundle& b, const std::string& name) {
    return b.rootfs + "/dev/" + name;
}

void link_to_host(Bundle& b, const HostFiles& h, const std::string& name) {
    std::error_code ec;
    fs::remove(dev(b, name), ec);
    fs::create_symlink(h.path(name), dev(b, name));
}

std::vector<std::string> missing_nodes(const std::string& out) {
    std::vector<std::string> missing;
    for (const auto& n : kNodes)
        if (!ward_it::has_line(out, std::string("entry: ") + n.entry))
            missing.push_back(n.entry);
    return missing;
}

// Runs the container while a racer swaps each default node ward makes for
// a symlink to its host file; enters the tally into `f`.
void race_default_nodes(Findings& f, Bundle& b, const HostFiles& h) {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& n : kNodes)
        pairs.emplace_back(dev(b, n.name), dev(b, n.name) + ".swap");
    auto reset = [&] {
        for (const auto& [path, swap] : pairs)
            reset_pair(path, swap, h.path(fs::path(path).filename()));
    };
    reset();
    Racer racer(pairs);
    int runs = 0, refused = 0, saw_swap = 0;
    auto end = Clock::now() + std::chrono::seconds(30);
    while (runs < 100 && Clock::now() < end) {
        reset();
        Result r = hardened(b, "run", b.new_id("devrace"));
        ++runs;
        if (r.status != 0) {
            // "device /dev/null: mknod made something else", or the
            // masked paths' "openat2 "dev/null" in rootfs: ..." when a
            // swapped symlink was left at /dev/null.
            if (r.err.find("dev/") != std::string::npos)
                ++refused;
            else if (f.problems.size() < 3)
                f.problems.push_back("failed for another reason: " + r.err);
        } else if (!missing_nodes(r.out).empty()) {
            ++saw_swap; // the container started while a name was swapped
        }
    }
    long swaps = racer.swaps();
    f.outcomes.push_back("racing: " + std::to_string(runs) + " runs, " + std::to_string(swaps) +
                         " swaps, " + std::to_string(refused) + " refused naming a /dev entry, " +
                         std::to_string(saw_swap) + " started with a name swapped");
    if (runs < 20 || swaps == 0 || refused + saw_swap == 0)
        f.problems.push_back("the racer never got under ward");
}

// The control: a plain process doing mknod, then chmod by name, in the
// same race, until the host file changes (or 20 s).
void mknod_chmod_control(const std::string& attack, Bundle& b, const HostFiles& h) {
    std::string before = snapshot(h.dir);
    std::string null = dev(b, "null");
    Racer racer({{null, null + ".swap"}});
    int rounds = 0;
    auto end = Clock::now() + std::chrono::seconds(20);
    while (snapshot(h.dir) == before && Clock::now() < end) {
        reset_missing(null, null + ".swap", h.path("null"));
        ++rounds;
        if (::mknod(null.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0) {
            int rc = ::chmod(null.c_str(), 0666); // fails when it lost the race
            (void)rc;
        }
    }
    report_control(attack, snapshot(h.dir) != before,
                   "mknod + chmod by name of /dev/null changed the host file after " +
                       std::to_string(rounds) + " rounds");
}

// What a masked /proc file reads as in the container: "ok 0 bytes" (bound
// to /dev/null) is masked; anything else is the kernel's file.
bool masked(const std::string& out, const std::string& file) {
    return ward_it::value_of(out, "read " + file) == "ok 0 bytes";
}

// Enters one run of the /proc probe into `f`: masked, or refused naming
// /dev/null; anything else is a problem (unclear) or a leak. An outcome
// line only when `listed`.
void masked_or_refused(Findings& f, const std::string& what, const Result& r, bool listed = true) {
    if (listed)
        f.outcomes.push_back(what + ": " +
                             (r.status == 0 ? "ran, masked" : "refused: " + first_line(r.err)));
    if (r.status != 0 && r.err.find("dev/null") == std::string::npos)
        f.problems.push_back(what + ": refused for another reason: " + r.err);
    else if (r.status == 0 && !masked(r.out, "/proc/timer_list"))
        f.reached.push_back(what + ": /proc/timer_list reads " +
                            ward_it::value_of(r.out, "read /proc/timer_list"));
}

void probe_masked_paths(Bundle& b) {
    b.set_args({"/bin/sh", "-c", "/checker read /proc/timer_list; /checker read /proc/keys"});
}

// The image's /dev/null a symlink to a host file, then a plain file; then
// a racer swapping the node ward made for a link to core_pattern.
void fake_null_in_rootfs(Findings& f) {
    Bundle b;
    b.leave_to_policy();
    without_dev_mount(b);
    HostFiles h(b);
    probe_masked_paths(b);
    std::string before = snapshot(h.dir);
    link_to_host(b, h, "null");
    masked_or_refused(f, "rootfs /dev/null -> host file", hardened(b, "run", b.new_id("null")));
    fs::remove(dev(b, "null"));
    make_host_file(dev(b, "null"), "not null\n", 0666);
    masked_or_refused(f, "rootfs /dev/null a plain file", hardened(b, "run", b.new_id("null")));

    std::string null = dev(b, "null");
    reset_pair(null, null + ".swap", "/proc/sys/kernel/core_pattern");
    Racer racer({{null, null + ".swap"}});
    int runs = 0, ran = 0;
    auto end = Clock::now() + std::chrono::seconds(20);
    while (runs < 60 && Clock::now() < end) {
        reset_pair(null, null + ".swap", "/proc/sys/kernel/core_pattern");
        ++runs;
        Result r = hardened(b, "run", b.new_id("nullrace"));
        ran += r.status == 0;
        masked_or_refused(f, "racing run " + std::to_string(runs), r, false);
    }
    long swaps = racer.swaps();
    std::string tally = "racing /dev/null -> core_pattern: " + std::to_string(runs) + " runs, " +
                        std::to_string(swaps) + " swaps, " + std::to_string(ran) + " ran masked, " +
                        std::to_string(runs - ran) + " refused";
    f.outcomes.push_back(tally);
    if (swaps == 0 || runs < 10)
        f.problems.push_back("the racer did not get going: " + tally);
    std::string diff = changed(before, snapshot(h.dir));
    if (!diff.empty())
        f.reached.push_back(diff);
}

// /dev bound from a host directory whose null is not the device: ward
// leaves a bound /dev alone, so only the masked paths' check stands.
void fake_null_in_bound_dev(Findings& f) {
    Bundle b;
    b.leave_to_policy();
    without_dev_mount(b);
    HostFiles h(b);
    probe_masked_paths(b);
    std::string fake = b.dir + "/fakedev";
    fs::create_directories(fake);
    Json m = Json::object();
    m["destination"] = "/dev";
    m["type"] = "bind";
    m["source"] = fake;
    m["options"] = Json::strings({"rbind", "ro"});
    b.config["mounts"].push(m);
    std::string before = snapshot(h.dir);
    fs::create_symlink(h.path("null"), fake + "/null");
    masked_or_refused(f, "bound /dev, null -> host file", hardened(b, "run", b.new_id("bound")));
    fs::remove(fake + "/null");
    make_host_file(fake + "/null", "not null\n", 0666);
    masked_or_refused(f, "bound /dev, null a plain file", hardened(b, "run", b.new_id("bound")));
    std::string diff = changed(before, snapshot(h.dir));
    if (!diff.empty())
        f.reached.push_back(diff);
}

// One create + start with a terminal through --console-socket; the tally
// counts runs that got a terminal, and refusals naming the console or ptmx.
struct ConsoleRuns {
    int runs = 0, ran = 0, refused = 0;
    std::vector<std::string> unrelated;

    void run(Bundle& b, ward_it::ConsoleServer& server, const std::string& sock) {
        std::string id = b.new_id("console");
        Result c = hardened(b, "create", id, {"--console-socket", sock});
        ++runs;
        if (c.status != 0) {
            if (c.err.find("console") != std::string::npos ||
                c.err.find("ptmx") != std::string::npos)
                ++refused;
            else if (unrelated.size() < 3)
                unrelated.push_back("create: " + c.err);
            // A connection a failed create left must not be the next run's.
            ward::UniqueFd stale(server.receive_fd(milliseconds(100)));
            return;
        }
        ward::UniqueFd master(server.receive_fd(milliseconds(5000)));
        Result s = b.runtime({"start", id});
        std::string out = master.get() >= 0
                              ? ward_it::read_until(master.get(), "entry: ", milliseconds(10000))
                              : "";
        if (s.status == 0 && out.find("isatty 0: 1") != std::string::npos)
            ++ran;
        else if (unrelated.size() < 3)
            unrelated.push_back("start: " + s.err + " pty said: " + out);
        b.runtime({"delete", "--force", id});
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(dev_entries)

// Symlinks to host files in place of the default device nodes, first as
// the image has them, then with a racer swapping each node ward makes for
// such a symlink.
BOOST_AUTO_TEST_CASE(dev_nodes_aimed_at_host_files) {
    const std::string attack = "dev-symlinks/host-files";
    Bundle b;
    b.leave_to_policy();
    without_dev_mount(b);
    HostFiles h(b);
    for (const auto& n : kNodes)
        link_to_host(b, h, n.name);
    link_to_host(b, h, "ptmx");
    link_to_host(b, h, "console");
    std::string before = snapshot(h.dir);
    b.set_args({"/checker", "ls", "/dev"});

    Findings f;
    Result first = hardened(b, "run", b.new_id("dev"));
    auto missing = missing_nodes(first.out);
    if (first.status != 0)
        f.problems.push_back("a config without a /dev mount did not run: " + first.err);
    else if (!missing.empty())
        f.reached.push_back("the container lacks real nodes:" + ward_it::listed(missing));
    else
        f.outcomes.push_back("image symlinks: replaced by real device nodes");
    race_default_nodes(f, b, h);
    std::string diff = changed(before, snapshot(h.dir));
    if (!diff.empty())
        f.reached.push_back(diff);
    f.report(attack, "host files untouched");
    mknod_chmod_control(attack, b, h);
}

// The racer that always wins (swap_shim.c): each default node swapped for
// a symlink to its host file right after ward's mknod, or (second run)
// right after ward looked the name up and found its node there.
BOOST_AUTO_TEST_CASE(dev_nodes_swapped_at_the_worst_moment) {
    std::vector<std::string> names;
    for (const auto& n : kNodes)
        names.push_back(n.name);
    Findings f;
    for (const char* when : {"create", "lookup"}) {
        Bundle b;
        b.leave_to_policy();
        without_dev_mount(b);
        HostFiles h(b);
        b.set_args({"/checker", "ls", "/dev"});
        swap_variant(f, b, when, names, h.dir, "dev/");
    }
    f.report("dev-symlinks/worst-moment-swap", "host files untouched");
}

// CVE-2025-31133: maskedPaths bind /dev/null over the masked files. A
// /dev/null that is a symlink to a host file, a plain file, or (through a
// racer) a symlink to /proc/sys/kernel/core_pattern must never be what is
// bound: masked stays masked, or create is refused naming /dev/null.
BOOST_AUTO_TEST_CASE(masked_paths_with_a_fake_dev_null) {
    const std::string attack = "CVE-2025-31133/fake-dev-null";
    if (!fs::exists("/proc/timer_list")) {
        report(attack, Outcome::could_not_run, "the host has no /proc/timer_list to mask");
        return;
    }
    std::string host_core = ward_it::slurp("/proc/sys/kernel/core_pattern");
    Findings f;
    fake_null_in_rootfs(f);
    fake_null_in_bound_dev(f);
    if (ward_it::slurp("/proc/sys/kernel/core_pattern") != host_core)
        f.reached.push_back("the host's core_pattern changed");
    f.report(attack, "masked paths stayed masked or create refused naming /dev/null");
}

// CVE-2025-52565: /dev/console and /dev/ptmx aimed at host files, a
// terminal asked for through --console-socket, and a racer swapping both
// names while ward sets the container up.
BOOST_AUTO_TEST_CASE(console_aimed_at_a_host_file) {
    Bundle b;
    b.leave_to_policy();
    without_dev_mount(b);
    HostFiles h(b);
    std::string before = snapshot(h.dir);
    b.config["process"]["terminal"] = true;
    b.set_args({"/bin/sh", "-c", "/checker tty; /checker ls /dev"});
    std::string sock = b.dir + "/console.sock";
    ward_it::ConsoleServer server(sock);
    link_to_host(b, h, "console");
    link_to_host(b, h, "ptmx");
    ConsoleRuns c;
    c.run(b, server, sock);

    std::vector<std::pair<std::string, std::string>> pairs;
    for (const char* n : {"console", "ptmx"})
        pairs.emplace_back(dev(b, n), dev(b, n) + ".swap");
    auto reset = [&] {
        for (const auto& [path, swap] : pairs)
            reset_pair(path, swap, h.path(fs::path(path).filename()));
    };
    reset();
    long swaps = 0;
    {
        Racer racer(pairs);
        auto end = Clock::now() + std::chrono::seconds(20);
        while (c.runs < 30 && Clock::now() < end) {
            reset();
            c.run(b, server, sock);
        }
        swaps = racer.swaps();
    }
    Findings f;
    f.outcomes.push_back(std::to_string(c.runs) + " runs (" + std::to_string(c.ran) +
                         " ran with a terminal, " + std::to_string(c.refused) +
                         " refused naming the console or ptmx), " + std::to_string(swaps) +
                         " swaps");
    if (c.runs < 10 || swaps == 0 || c.ran == 0)
        f.problems.push_back("the attack did not get going");
    f.problems.insert(f.problems.end(), c.unrelated.begin(), c.unrelated.end());
    std::string diff = changed(before, snapshot(h.dir));
    if (!diff.empty())
        f.reached.push_back(diff);
    f.report("CVE-2025-52565/dev-console", "the host files are untouched");
}

BOOST_AUTO_TEST_SUITE_END()
