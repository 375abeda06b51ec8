// The one in-root resolver (base/in_root) in both modes, each through
// openat2 and through the forced fd walk: symlinks followed inside the root
// or refused, mount points crossed or refused, missing components created
// with the mode asked for, and what it creates never acted on by name
// (a racing swap of the new name for a symlink to a file outside must not
// change that file; a plain mkdir + chmod by name in the same race does).
// test_path_in_root.cpp has the symlink-following cases.
#include "ward/base/in_root.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace ward;
namespace fs = std::filesystem;

namespace {

struct TempRoot {
    fs::path base; // holds root/ and outside/
    fs::path root;
    fs::path outside;
    UniqueFd root_fd;
    TempRoot() {
        char tmpl[] = "/tmp/ward-inroot-XXXXXX";
        base = ::mkdtemp(tmpl);
        root = base / "root";
        outside = base / "outside";
        fs::create_directories(root / "etc");
        fs::create_directories(outside);
        std::ofstream(root / "etc" / "marker") << "inside";
        std::ofstream(outside / "marker") << "outside";
        ::chmod((outside / "marker").c_str(), 0600);
        root_fd.reset(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    }
    ~TempRoot() {
        force_fd_walk(false);
        std::error_code ec;
        fs::remove_all(base, ec);
    }
};

Resolution refused(Create create = Create::none) {
    Resolution how;
    how.symlinks = Symlinks::refused;
    how.mounts = Mounts::stay;
    how.create = create;
    return how;
}

// Runs the body once through openat2 and once through the fd walk.
template <typename Fn>
void both_ways(Fn&& fn) {
    for (bool walk : {false, true}) {
        BOOST_TEST_CONTEXT("fd walk: " << walk) {
            TempRoot t;
            force_fd_walk(walk);
            fn(t);
        }
    }
}

// The PathError a resolution throws; fails the test when none is thrown.
PathError error_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const PathError& e) {
        return e;
    }
    BOOST_FAIL("no PathError");
    throw; // unreachable
}

bool same_file(int fd, const fs::path& path) {
    struct stat a {};
    struct stat b {};
    return ::fstat(fd, &a) == 0 && ::lstat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

mode_t mode_of(const fs::path& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

bool is_root() {
    return ::geteuid() == 0;
}

boost::test_tools::assertion_result needs_root(boost::unit_test::test_unit_id) {
    boost::test_tools::assertion_result r(is_root());
    r.message() << "a mount below the root needs a mount namespace: run as root";
    return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(in_root)

// Masked and read-only paths: what the image lacks is skipped, what it has
// is found inside the root even through an absolute symlink, and any other
// failure is still an error.
BOOST_AUTO_TEST_CASE(if_exists_is_nullopt_only_for_a_missing_path) {
    both_ways([](TempRoot& t) {
        BOOST_TEST(!open_in_root_if_exists(t.root_fd.get(), "/proc/timer_stats", O_PATH));
        BOOST_TEST(!open_in_root_if_exists(t.root_fd.get(), "/etc/missing/deeper", O_PATH));
        fs::create_symlink("/etc/marker", t.root / "link");
        auto found = open_in_root_if_exists(t.root_fd.get(), "/link", O_PATH);
        BOOST_TEST_REQUIRE(found.has_value());
        BOOST_TEST(same_file(found->get(), t.root / "etc" / "marker"));
        // An absolute link to a host path resolves in the root, where it is absent.
        fs::create_symlink(t.outside / "marker", t.root / "escape");
        BOOST_TEST(!open_in_root_if_exists(t.root_fd.get(), "/escape", O_PATH));
        PathError e =
            error_of([&] { open_in_root_if_exists(t.root_fd.get(), "/etc/marker/x", O_PATH); });
        BOOST_TEST(e.err == ENOTDIR);
    });
}

BOOST_AUTO_TEST_CASE(refused_symlink_is_eloop_at_the_link) {
    both_ways([](TempRoot& t) {
        fs::create_symlink("etc", t.root / "link");
        PathError mid =
            error_of([&] { resolve_in_root(t.root_fd.get(), "link/marker", O_PATH, refused()); });
        BOOST_TEST(mid.err == ELOOP);
        BOOST_TEST(mid.at == "link");
        PathError last =
            error_of([&] { resolve_in_root(t.root_fd.get(), "/link", O_PATH, refused()); });
        BOOST_TEST(last.err == ELOOP);
        BOOST_TEST(last.at == "link");
        // The same path followed in the root lands inside it.
        UniqueFd fd = open_in_root(t.root_fd.get(), "link/marker", O_PATH);
        BOOST_TEST(same_file(fd.get(), t.root / "etc/marker"));
    });
}

BOOST_AUTO_TEST_CASE(refused_names_the_file_in_the_middle) {
    both_ways([](TempRoot& t) {
        PathError e =
            error_of([&] { resolve_in_root(t.root_fd.get(), "etc/marker/x", O_PATH, refused()); });
        BOOST_TEST(e.err == ENOTDIR);
        BOOST_TEST(e.at == "etc/marker");
    });
}

BOOST_AUTO_TEST_CASE(refused_dotdot_stays_beneath) {
    both_ways([](TempRoot& t) {
        UniqueFd fd = resolve_in_root(t.root_fd.get(), "etc/../etc/marker", O_PATH, refused());
        BOOST_TEST(same_file(fd.get(), t.root / "etc/marker"));
        PathError e = error_of(
            [&] { resolve_in_root(t.root_fd.get(), "../outside/marker", O_PATH, refused()); });
        BOOST_TEST(e.err == EXDEV);
        // Followed in the root, ".." above it is the root itself.
        PathError in_root =
            error_of([&] { open_in_root(t.root_fd.get(), "../outside/marker", O_PATH); });
        BOOST_TEST(in_root.err == ENOENT);
    });
}

BOOST_AUTO_TEST_CASE(refused_creates_nothing_through_a_symlink) {
    both_ways([](TempRoot& t) {
        fs::create_symlink(t.outside, t.root / "abs");
        PathError e = error_of([&] {
            resolve_in_root(t.root_fd.get(), "abs/new/dir", O_PATH, refused(Create::directory));
        });
        BOOST_TEST(e.err == ELOOP);
        BOOST_TEST(e.at == "abs");
        BOOST_TEST(!fs::exists(t.outside / "new"));
        BOOST_TEST(!fs::exists(t.root / t.outside.relative_path()));
    });
}

BOOST_AUTO_TEST_CASE(create_reports_each_directory_with_its_exact_mode) {
    for (Symlinks symlinks : {Symlinks::in_root, Symlinks::refused})
        both_ways([&](TempRoot& t) {
            BOOST_TEST_CONTEXT("symlinks refused: " << (symlinks == Symlinks::refused)) {
                std::vector<std::string> made;
                Resolution how;
                how.symlinks = symlinks;
                how.create = Create::directory;
                how.dir_mode = 0711;
                how.on_created = [&](const std::string& p) { made.push_back(p); };
                mode_t old = ::umask(077);
                UniqueFd fd = resolve_in_root(t.root_fd.get(), "/etc/a/b", O_PATH, how);
                ::umask(old);
                BOOST_TEST(same_file(fd.get(), t.root / "etc/a/b"));
                BOOST_TEST((made == std::vector<std::string>{"etc/a", "etc/a/b"}));
                BOOST_TEST(mode_of(t.root / "etc/a") == 0711U);
                BOOST_TEST(mode_of(t.root / "etc/a/b") == 0711U);
                // Existing now: nothing is made again.
                made.clear();
                resolve_in_root(t.root_fd.get(), "/etc/a/b", O_PATH, how);
                BOOST_TEST(made.empty());
            }
        });
}

BOOST_AUTO_TEST_CASE(a_new_file_comes_back_as_the_fd_it_was_made_with) {
    both_ways([](TempRoot& t) {
        mode_t old = ::umask(077);
        UniqueFd fd = create_in_root(t.root_fd.get(), "/d/file", Create::file);
        ::umask(old);
        BOOST_TEST(same_file(fd.get(), t.root / "d/file"));
        BOOST_TEST(fs::is_regular_file(t.root / "d/file"));
        BOOST_TEST(mode_of(t.root / "d/file") == 0644U);
        BOOST_TEST(mode_of(t.root / "d") == 0755U);
        // The fd is read-only: a mount target, not a way to write the file.
        BOOST_TEST(::write(fd.get(), "x", 1) < 0);
    });
}

BOOST_AUTO_TEST_CASE(mount_points_are_crossed_or_refused,
                     *boost::unit_test::precondition(needs_root)) {
    for (bool walk : {false, true}) {
        BOOST_TEST_CONTEXT("fd walk: " << walk) {
            TempRoot t;
            fs::create_directories(t.root / "mnt");
            // The mount lives in a child's own mount namespace: the host's
            // mount table never sees it.
            pid_t pid = ::fork();
            BOOST_REQUIRE(pid >= 0);
            if (pid == 0) {
                force_fd_walk(walk);
                if (::unshare(CLONE_NEWNS) < 0 ||
                    ::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0 ||
                    ::mount("tmpfs", (t.root / "mnt").c_str(), "tmpfs", 0, "size=64k") < 0)
                    ::_exit(10);
                ::mkdir((t.root / "mnt/sub").c_str(), 0755);
                // An fd opened before unshare still sees the old namespace.
                t.root_fd.reset(::open(t.root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
                int code = 0;
                try {
                    open_in_root(t.root_fd.get(), "mnt/sub", O_PATH);
                } catch (const PathError&) {
                    code |= 1; // crossing was refused
                }
                try {
                    resolve_in_root(t.root_fd.get(), "mnt/sub", O_PATH, refused());
                    code |= 2; // staying was not enforced
                } catch (const PathError& e) {
                    if (e.err != EXDEV || e.at != "mnt")
                        code |= 4;
                }
                ::_exit(code);
            }
            int status = 0;
            BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
            BOOST_REQUIRE(WIFEXITED(status));
            BOOST_TEST(WEXITSTATUS(status) != 10, "could not mount a tmpfs in a new namespace");
            BOOST_TEST(WEXITSTATUS(status) == 0);
        }
    }
}

BOOST_AUTO_TEST_CASE(set_owner_and_mode_needs_no_open_for_io) {
    TempRoot t;
    BOOST_REQUIRE(::mkfifo((t.root / "fifo").c_str(), 0600) == 0);
    // Opening a fifo for I/O would block: an O_PATH fd is all it takes.
    UniqueFd fd(::open((t.root / "fifo").c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    BOOST_REQUIRE(fd);
    set_owner_and_mode(fd.get(), ::geteuid(), ::getegid(), 0640);
    BOOST_TEST(mode_of(t.root / "fifo") == 0640U);
}

// The CVE-2021-30465 race in miniature: a thread swaps each new directory
// for a symlink to a file outside (absolute, so a name-based call resolves
// it on the host). The resolver may fail a raced creation; it must never
// change the file.
BOOST_AUTO_TEST_CASE(a_racing_swap_never_reaches_outside) {
    for (bool walk : {false, true}) {
        BOOST_TEST_CONTEXT("fd walk: " << walk) {
            TempRoot t;
            force_fd_walk(walk);
            fs::path victim = t.outside / "marker";
            std::atomic<bool> stop{false};
            std::atomic<long> swaps{0};
            // Until both names are gone the racer may still exchange them.
            auto reset = [&] {
                std::error_code ec;
                do {
                    for (const char* n : {"t", "swap"})
                        fs::remove_all(t.root / n, ec);
                } while (::symlink(victim.c_str(), (t.root / "swap").c_str()) < 0);
            };
            reset();
            std::thread racer([&] {
                while (!stop.load())
                    if (::renameat2(t.root_fd.get(), "t", t.root_fd.get(), "swap",
                                    RENAME_EXCHANGE) == 0)
                        swaps.fetch_add(1);
            });
            struct Join {
                std::thread& thread;
                std::atomic<bool>& stop;
                ~Join() {
                    stop = true;
                    thread.join();
                }
            } join{racer, stop};
            // `rounds` creations, or fewer once the victim's mode changes:
            // {rounds run, rounds that failed}. Counted, not timed, so a
            // loaded machine runs the same race, only slower.
            auto race = [&](const std::function<void()>& create, int rounds) {
                std::pair<int, int> counts{0, 0};
                while (counts.first < rounds && mode_of(victim) == 0600) {
                    ++counts.first;
                    try {
                        create();
                    } catch (const std::exception&) {
                        ++counts.second;
                    }
                    reset();
                }
                return counts;
            };
            mode_t old = ::umask(022);
            auto [rounds, raced] = race(
                [&] { create_in_root(t.root_fd.get(), "/t/u", Create::directory, 0750); }, 2000);
            long resolver_swaps = swaps.load();
            bool untouched = mode_of(victim) == 0600;
            // The control: mkdir, then chmod by name, in the same race. It
            // waits for the racer's next swap between the two calls, as a
            // preempted runtime would; after an odd number of swaps "t" is
            // the symlink, so about every other round reaches the victim.
            auto next_swap = [&] {
                long seen = swaps.load();
                for (int spin = 0; spin < 1000000 && swaps.load() == seen; ++spin)
                    std::this_thread::yield();
            };
            auto [control_rounds, unused] = race(
                [&] {
                    if (::mkdirat(t.root_fd.get(), "t", 0750) != 0)
                        return;
                    next_swap();
                    if (::fchmodat(t.root_fd.get(), "t", 0750, 0) < 0)
                        throw std::runtime_error("chmod failed");
                },
                2000);
            ::umask(old);
            BOOST_TEST_MESSAGE("in_root race (walk " << walk << "): " << resolver_swaps
                                                     << " swaps, " << raced << " of " << rounds
                                                     << " creations failed; control hit after "
                                                     << control_rounds << " rounds");
            BOOST_TEST(resolver_swaps > 0, "the racer never swapped: the race proves nothing");
            BOOST_TEST(untouched, "the resolver changed the mode of a file outside the root");
            BOOST_TEST(mode_of(victim) == 0750U,
                       "control: mkdir + chmod by name never hit the file outside");
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
