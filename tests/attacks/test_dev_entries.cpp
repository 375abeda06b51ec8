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

std::string changed(const std::string& before, const std::string& after) {
    return before == after ? "" : "host files changed:\n" + before + "-> now:\n" + after;
}

// What a masked /proc file reads as in the container: "ok 0 bytes" (bound
// to /dev/null) is masked; anything else is the kernel's file.
bool masked(const std::string& out, const std::string& file) {
    return ward_it::value_of(out, "read " + file) == "ok 0 bytes";
}

} // namespace

BOOST_AUTO_TEST_SUITE(dev_entries)

// Symlinks to host files in place of the default device nodes, first as
// the image has them, then with a racer swapping each node ward makes for
// such a symlink.
BOOST_AUTO_TEST_CASE(dev_nodes_aimed_at_host_files) {
    const std::string attack = "dev-symlinks/host-files";
    Bundle b;
    use_defaults(b);
    without_dev_mount(b);
    HostFiles h(b);
    for (const auto& n : kNodes)
        link_to_host(b, h, n.name);
    link_to_host(b, h, "ptmx");
    link_to_host(b, h, "console");
    std::string before = snapshot(h.dir);
    b.set_args({"/checker", "ls", "/dev"});

    Result first = hardened(b, "run", b.new_id("dev"));
    if (first.status != 0) {
        report(attack, Outcome::could_not_run,
               "a config without a /dev mount did not run: " + first.err);
        return;
    }
    auto missing = missing_nodes(first.out);

    int runs = 0, refused = 0, saw_swap = 0;
    std::vector<std::string> unrelated;
    long swaps = 0;
    {
        std::vector<std::pair<std::string, std::string>> pairs;
        for (const auto& n : kNodes)
            pairs.emplace_back(dev(b, n.name), dev(b, n.name) + ".swap");
        auto reset = [&] {
            for (const auto& [path, swap] : pairs)
                reset_pair(path, swap, h.path(fs::path(path).filename()));
        };
        reset();
        Racer racer(pairs);
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
                else if (unrelated.size() < 3)
                    unrelated.push_back(r.err);
            } else if (!missing_nodes(r.out).empty()) {
                ++saw_swap; // the container started while a name was swapped
            }
        }
        swaps = racer.swaps();
    }
    std::string reached = changed(before, snapshot(h.dir));
    std::string tally = "first run: real nodes" +
                        (missing.empty() ? std::string() : " missing" + ward_it::listed(missing)) +
                        "; racing: " + std::to_string(runs) + " runs, " + std::to_string(swaps) +
                        " swaps, " + std::to_string(refused) + " refused naming a /dev entry, " +
                        std::to_string(saw_swap) + " started with a name swapped";
    if (runs < 20 || swaps == 0 || refused + saw_swap == 0 || !unrelated.empty())
        report(attack, Outcome::could_not_run, tally + ward_it::listed(unrelated));
    else if (!reached.empty() || !missing.empty())
        report(attack, Outcome::not_blocked, tally + "\n" + reached);
    else
        report(attack, Outcome::blocked, tally + "; host files untouched");

    // The control: mknod, then chmod by name, in the same race.
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

// The racer that always wins (swap_shim.c): each default node swapped for
// a symlink to its host file right after ward's mknod, or (second run)
// right after ward looked the name up and found its node there.
BOOST_AUTO_TEST_CASE(dev_nodes_swapped_at_the_worst_moment) {
    const std::string attack = "dev-symlinks/worst-moment-swap";
    std::vector<std::string> outcomes, reached, problems;
    std::vector<std::string> names;
    for (const auto& n : kNodes)
        names.push_back(n.name);
    for (const char* when : {"create", "lookup"}) {
        Bundle b;
        use_defaults(b);
        without_dev_mount(b);
        HostFiles h(b);
        b.set_args({"/checker", "ls", "/dev"});
        std::string before = snapshot(h.dir);
        SwapRun run = run_with_swaps(b, b.new_id("worst"), names, h.dir, when);
        std::string w = when;
        if (!run.problem.empty()) {
            problems.push_back(w + ": " + run.problem);
            continue;
        }
        const Result& r = run.result;
        std::string err = r.err.substr(0, r.err.find('\n'));
        outcomes.push_back("after " + w + ": " + std::to_string(run.swaps) + " swaps, " +
                           (r.status == 0 ? "ran" : "refused: " + err));
        if (run.swaps == 0)
            problems.push_back(w + ": the shim never swapped");
        if (r.status != 0 && r.err.find("dev/") == std::string::npos)
            problems.push_back(w + ": failed for another reason: " + r.err);
        std::string after = snapshot(h.dir);
        if (after != before)
            reached.push_back("after " + w + ": " + changed(before, after) + run.listing);
    }
    if (!problems.empty())
        report(attack, Outcome::could_not_run,
               ward_it::listed(outcomes) + ward_it::listed(problems));
    else if (!reached.empty())
        report(attack, Outcome::not_blocked, ward_it::listed(outcomes) + ward_it::listed(reached));
    else
        report(attack, Outcome::blocked, ward_it::listed(outcomes) + "\n  host files untouched");
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
    std::vector<std::string> leaks, unclear, tried;
    auto check = [&](const std::string& what, const Result& r) {
        std::string err = r.err.substr(0, r.err.find('\n'));
        tried.push_back(what + ": " + (r.status == 0 ? "ran, masked" : "refused: " + err));
        if (r.status != 0) {
            if (r.err.find("dev/null") == std::string::npos)
                unclear.push_back(what + ": " + r.err);
        } else if (!masked(r.out, "/proc/timer_list")) {
            leaks.push_back(what + ": /proc/timer_list reads " +
                            ward_it::value_of(r.out, "read /proc/timer_list"));
        }
    };
    auto probe = [](Bundle& b) {
        b.set_args({"/bin/sh", "-c", "/checker read /proc/timer_list; /checker read /proc/keys"});
    };
    std::string before, after;
    long swaps = 0;
    int runs = 0, race_ran = 0, race_refused = 0;
    {
        // The image's /dev/null: a symlink to a host file, then a plain file.
        Bundle b;
        use_defaults(b);
        without_dev_mount(b);
        HostFiles h(b);
        probe(b);
        before = snapshot(h.dir);
        link_to_host(b, h, "null");
        check("rootfs /dev/null -> host file", hardened(b, "run", b.new_id("null")));
        fs::remove(dev(b, "null"));
        make_host_file(dev(b, "null"), "not null\n", 0666);
        check("rootfs /dev/null a plain file", hardened(b, "run", b.new_id("null")));

        // A racer swapping the node ward made for a link to core_pattern.
        std::string null = dev(b, "null");
        reset_pair(null, null + ".swap", "/proc/sys/kernel/core_pattern");
        Racer racer({{null, null + ".swap"}});
        auto end = Clock::now() + std::chrono::seconds(20);
        while (runs < 60 && Clock::now() < end) {
            reset_pair(null, null + ".swap", "/proc/sys/kernel/core_pattern");
            Result r = hardened(b, "run", b.new_id("nullrace"));
            ++runs;
            ++(r.status == 0 ? race_ran : race_refused);
            if (r.status != 0 && r.err.find("dev/null") == std::string::npos)
                unclear.push_back("racing: " + r.err);
            else if (r.status == 0 && !masked(r.out, "/proc/timer_list"))
                leaks.push_back("racing: /proc/timer_list reads " +
                                ward_it::value_of(r.out, "read /proc/timer_list"));
        }
        swaps = racer.swaps();
        after = snapshot(h.dir);
    }
    {
        // /dev bound from a host directory whose null is not the device.
        Bundle b;
        use_defaults(b);
        without_dev_mount(b);
        HostFiles h(b);
        probe(b);
        std::string fake = b.dir + "/fakedev";
        fs::create_directories(fake);
        Json m = Json::object();
        m["destination"] = "/dev";
        m["type"] = "bind";
        m["source"] = fake;
        m["options"] = Json::strings({"rbind", "ro"});
        b.config["mounts"].push(m);
        std::string host_before = snapshot(h.dir);
        fs::create_symlink(h.path("null"), fake + "/null");
        check("bound /dev, null -> host file", hardened(b, "run", b.new_id("bound")));
        fs::remove(fake + "/null");
        make_host_file(fake + "/null", "not null\n", 0666);
        check("bound /dev, null a plain file", hardened(b, "run", b.new_id("bound")));
        if (snapshot(h.dir) != host_before)
            leaks.push_back(changed(host_before, snapshot(h.dir)));
    }
    if (ward_it::slurp("/proc/sys/kernel/core_pattern") != host_core)
        leaks.push_back("the host's core_pattern changed");
    if (before != after)
        leaks.push_back(changed(before, after));
    std::string tally = ward_it::listed(tried) + "\n  racing: " + std::to_string(runs) + " runs, " +
                        std::to_string(swaps) + " swaps, " + std::to_string(race_ran) + " ran, " +
                        std::to_string(race_refused) + " refused";
    if (swaps == 0 || runs < 10 || !unclear.empty())
        report(attack, Outcome::could_not_run, tally + "; unclear:" + ward_it::listed(unclear));
    else if (!leaks.empty())
        report(attack, Outcome::not_blocked, tally + ward_it::listed(leaks));
    else
        report(attack, Outcome::blocked,
               tally + "\n  masked paths stayed masked or create refused naming /dev/null");
}

// CVE-2025-52565: /dev/console and /dev/ptmx aimed at host files, a
// terminal asked for through --console-socket, and a racer swapping both
// names while ward sets the container up.
BOOST_AUTO_TEST_CASE(console_aimed_at_a_host_file) {
    const std::string attack = "CVE-2025-52565/dev-console";
    Bundle b;
    use_defaults(b);
    without_dev_mount(b);
    HostFiles h(b);
    std::string before = snapshot(h.dir);
    b.config["process"]["terminal"] = true;
    b.set_args({"/bin/sh", "-c", "/checker tty; /checker ls /dev"});
    std::string sock = b.dir + "/console.sock";
    ward_it::ConsoleServer server(sock);

    int runs = 0, ran = 0, refused = 0;
    std::vector<std::string> unrelated;
    auto one_run = [&] {
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
    };
    link_to_host(b, h, "console");
    link_to_host(b, h, "ptmx");
    one_run();
    long swaps = 0;
    {
        std::vector<std::pair<std::string, std::string>> pairs;
        for (const char* n : {"console", "ptmx"})
            pairs.emplace_back(dev(b, n), dev(b, n) + ".swap");
        auto reset = [&] {
            for (const auto& [path, swap] : pairs)
                reset_pair(path, swap, h.path(fs::path(path).filename()));
        };
        reset();
        Racer racer(pairs);
        auto end = Clock::now() + std::chrono::seconds(20);
        while (runs < 30 && Clock::now() < end) {
            reset();
            one_run();
        }
        swaps = racer.swaps();
    }
    std::string reached = changed(before, snapshot(h.dir));
    std::string tally = std::to_string(runs) + " runs (" + std::to_string(ran) +
                        " ran with a terminal, " + std::to_string(refused) +
                        " refused naming the console or ptmx), " + std::to_string(swaps) + " swaps";
    if (runs < 10 || swaps == 0 || ran == 0 || !unrelated.empty())
        report(attack, Outcome::could_not_run, tally + ward_it::listed(unrelated));
    else if (!reached.empty())
        report(attack, Outcome::not_blocked, tally + "\n" + reached);
    else
        report(attack, Outcome::blocked, tally + "; the host files are untouched");
}

BOOST_AUTO_TEST_SUITE_END()
