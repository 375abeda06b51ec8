#include "attacks/races.hpp"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ward_attack {

Racer::Racer(std::vector<std::pair<std::string, std::string>> pairs) {
    void* shared = ::mmap(nullptr, sizeof(std::atomic<long>), PROT_READ | PROT_WRITE,
                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED)
        throw std::runtime_error("mmap for the racer's counter failed");
    counter_ = new (shared) std::atomic<long>(0);
    pid_ = ::fork();
    if (pid_ < 0)
        throw std::runtime_error("fork for the racer failed");
    if (pid_ == 0) {
        // Never outlive the test, whatever happens to it.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        for (;;)
            for (const auto& [a, b] : pairs)
                if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) == 0)
                    counter_->fetch_add(1);
    }
}

Racer::~Racer() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    if (counter_)
        ::munmap(counter_, sizeof(std::atomic<long>));
}

namespace {

void remove_both(const std::string& path, const std::string& swap) {
    std::error_code ec;
    fs::remove_all(path, ec);
    fs::remove_all(swap, ec);
}

} // namespace

void reset_pair(const std::string& path, const std::string& swap, const std::string& target) {
    for (int tries = 0; tries < 100000; ++tries) {
        remove_both(path, swap);
        // Once both are gone the racer has nothing to exchange until both
        // exist again, and then they are two equal symlinks.
        if (::symlink(target.c_str(), path.c_str()) == 0 &&
            ::symlink(target.c_str(), swap.c_str()) == 0)
            return;
    }
    throw std::runtime_error("could not reset " + path + " while the racer runs");
}

void reset_missing(const std::string& path, const std::string& swap, const std::string& target) {
    for (int tries = 0; tries < 100000; ++tries) {
        remove_both(path, swap);
        if (::symlink(target.c_str(), swap.c_str()) == 0 && ::access(path.c_str(), F_OK) != 0)
            return;
    }
    throw std::runtime_error("could not reset " + path + " while the racer runs");
}

std::string snapshot(const std::string& dir) {
    std::ostringstream out;
    auto describe = [&](const fs::path& p) {
        struct stat st {};
        if (::lstat(p.c_str(), &st) < 0) {
            out << p.string() << " gone\n";
            return;
        }
        char mode[16];
        std::snprintf(mode, sizeof mode, "%06o", static_cast<unsigned>(st.st_mode));
        out << p.string() << " " << mode << " " << st.st_uid << ":" << st.st_gid << " "
            << st.st_size;
        if (S_ISREG(st.st_mode) && st.st_size < 4096) {
            std::ifstream in(p);
            out << " [" << std::string(std::istreambuf_iterator<char>(in), {}) << "]";
        }
        out << "\n";
    };
    describe(dir);
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        describe(it->path());
    return out.str();
}

std::vector<std::string> host_mounts_under(const std::string& dir) {
    std::vector<std::string> found;
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string id, parent, devno, root, point;
        fields >> id >> parent >> devno >> root >> point;
        if (point == dir || point.rfind(dir + "/", 0) == 0)
            found.push_back(point);
    }
    return found;
}

void make_host_file(const std::string& path, const std::string& content, mode_t mode) {
    std::ofstream(path) << content;
    if (::chmod(path.c_str(), mode) < 0)
        throw std::runtime_error("chmod " + path);
}

namespace {

// NAME next to this test binary (build/swap-shim.so, build/ward-dynamic).
std::string beside_tests(const std::string& name) {
    std::error_code ec;
    fs::path self = fs::read_symlink("/proc/self/exe", ec);
    return (self.parent_path() / name).string();
}

} // namespace

SwapRun run_with_swaps(Bundle& b, const std::string& id, const std::vector<std::string>& names,
                       const std::string& host_dir, const std::string& when) {
    SwapRun run;
    std::string shim = beside_tests("swap-shim.so");
    // build/ward is static and ignores LD_PRELOAD: the racer goes into the
    // same objects linked dynamically (the Makefile's ward-dynamic).
    std::string dynamic_ward = beside_tests("ward-dynamic");
    for (const auto& needed : {shim, dynamic_ward})
        if (!fs::exists(needed)) {
            run.problem = needed + " is missing (make tests builds it)";
            return run;
        }
    static int serial;
    std::string log = b.dir + "/swap-log-" + std::to_string(serial++);
    std::ofstream(log) << std::string(4096, '\0');
    std::string joined;
    for (const auto& n : names)
        joined += (joined.empty() ? "" : ",") + n;
    ward_it::RunOptions opts;
    opts.runtime = dynamic_ward;
    opts.env = {"LD_PRELOAD=" + shim, "WARD_SWAP_NAMES=" + joined, "WARD_SWAP_HOST=" + host_dir,
                "WARD_SWAP_WHEN=" + when, "WARD_SWAP_LOG=" + log};
    b.write_config();
    run.result = b.runtime(
        {"--policy", ward_it::shipped_policy("hardened"), "run", "--bundle", b.bundle_dir, id},
        opts);
    std::string page = ward_it::slurp(log);
    if (page.size() < 8) {
        run.problem = "the shim's log " + log + " could not be read";
        return run;
    }
    std::memcpy(&run.swaps, page.data(), sizeof run.swaps);
    run.listing = page.substr(2 * sizeof(int));
    run.listing = run.listing.substr(0, run.listing.find('\0'));
    return run;
}

void Findings::report(const std::string& attack, const std::string& blocked_note) const {
    // One line while it holds: the lane runner prints the first line only.
    std::string tried;
    for (const auto& o : outcomes)
        tried += o + "; ";
    if (!problems.empty())
        ward_attack::report(attack, Outcome::could_not_run, tried + ward_it::listed(problems));
    else if (!reached.empty())
        ward_attack::report(attack, Outcome::not_blocked, tried + ward_it::listed(reached));
    else
        ward_attack::report(attack, Outcome::blocked, tried + blocked_note);
}

void swap_variant(Findings& f, Bundle& b, const std::string& when,
                  const std::vector<std::string>& names, const std::string& host_dir,
                  const std::string& refusal) {
    std::string before = snapshot(host_dir);
    SwapRun run = run_with_swaps(b, b.new_id("worst"), names, host_dir, when);
    if (!run.problem.empty()) {
        f.problems.push_back(when + ": " + run.problem);
        return;
    }
    const Result& r = run.result;
    f.outcomes.push_back("after " + when + ": " + std::to_string(run.swaps) + " swaps, " +
                         (r.status == 0 ? "ran" : "refused: " + first_line(r.err)));
    if (run.swaps == 0)
        f.problems.push_back(when + ": the shim never swapped");
    if (r.status != 0 && r.err.find(refusal) == std::string::npos)
        f.problems.push_back(when + ": failed for another reason: " + r.err);
    std::string diff = changed(before, snapshot(host_dir));
    if (!diff.empty())
        f.reached.push_back("after " + when + ": " + diff + run.listing);
    for (const auto& point : host_mounts_under(host_dir))
        f.reached.push_back("after " + when + ": mounted on the host at " + point);
}

std::string changed(const std::string& before, const std::string& after) {
    return before == after ? "" : "host side changed:\n" + before + "-> now:\n" + after;
}

std::string first_line(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

} // namespace ward_attack
