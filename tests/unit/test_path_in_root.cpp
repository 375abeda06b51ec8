// In-root resolution, both through openat2 and the fd walk: symlinks and
// ".." must land inside the root, whatever they say.
#include "ward/base/in_root.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace ward;
namespace fs = std::filesystem;

namespace {

struct TempRoot {
    fs::path base; // holds root/ and outside/
    fs::path root;
    UniqueFd root_fd;
    TempRoot() {
        char tmpl[] = "/tmp/ward-pir-XXXXXX";
        base = ::mkdtemp(tmpl);
        root = base / "root";
        fs::create_directories(root / "etc");
        fs::create_directories(base / "outside");
        std::ofstream(root / "etc" / "marker") << "inside";
        std::ofstream(base / "outside" / "marker") << "outside";
        root_fd.reset(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    }
    ~TempRoot() {
        force_fd_walk(false);
        fs::remove_all(base);
    }
    std::string read(const std::string& path) {
        UniqueFd fd = open_in_root(root_fd.get(), path, O_RDONLY);
        char buf[64] = {};
        ssize_t n = ::read(fd.get(), buf, sizeof buf - 1);
        return std::string(buf, n > 0 ? static_cast<size_t>(n) : 0);
    }
};

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

} // namespace

BOOST_AUTO_TEST_SUITE(path_in_root)

BOOST_AUTO_TEST_CASE(absolute_symlink_stays_inside) {
    both_ways([](TempRoot& t) {
        fs::create_symlink("/etc", t.root / "evil");
        BOOST_TEST(t.read("/evil/marker") == "inside");
    });
}

BOOST_AUTO_TEST_CASE(dotdot_symlink_stays_inside) {
    both_ways([](TempRoot& t) {
        fs::create_symlink("../../../../outside", t.root / "up");
        // ../outside from the root is the root's own "outside", which is missing.
        try {
            t.read("/up/marker");
            BOOST_FAIL("escaped the root");
        } catch (const PathError& e) {
            BOOST_TEST(e.err == ENOENT);
        }
        BOOST_TEST(t.read("/../../etc/../../etc/marker") == "inside");
    });
}

BOOST_AUTO_TEST_CASE(symlink_loop_is_eloop_with_context) {
    both_ways([](TempRoot& t) {
        fs::create_symlink("b", t.root / "a");
        fs::create_symlink("a", t.root / "b");
        try {
            t.read("/a");
            BOOST_FAIL("no error");
        } catch (const PathError& e) {
            BOOST_TEST(e.err == ELOOP);
            std::string msg = e.what();
            BOOST_TEST(msg.find("\"a\" in rootfs: too many levels of symbolic links") !=
                       std::string::npos);
        }
    });
}

BOOST_AUTO_TEST_CASE(create_makes_dirs_and_files_inside) {
    both_ways([](TempRoot& t) {
        fs::create_symlink("/nowhere", t.root / "dangling");
        ::umask(077);
        UniqueFd dir = create_in_root(t.root_fd.get(), "/a/b/c", Create::directory);
        BOOST_TEST(fs::is_directory(t.root / "a/b/c"));
        struct stat st {};
        BOOST_TEST(::stat((t.root / "a/b").c_str(), &st) == 0);
        BOOST_TEST((st.st_mode & 07777) == 0755U); // the umask does not apply
        UniqueFd file = create_in_root(t.root_fd.get(), "/dangling/x/file", Create::file);
        // The dangling link's target was created inside the root, not on the host.
        BOOST_TEST(fs::is_regular_file(t.root / "nowhere/x/file"));
        BOOST_TEST(!fs::exists("/nowhere"));
        ::umask(022);
    });
}

BOOST_AUTO_TEST_CASE(missing_without_create_is_enoent) {
    both_ways([](TempRoot& t) {
        try {
            create_in_root(t.root_fd.get(), "/missing/dir", Create::none);
            BOOST_FAIL("no error");
        } catch (const PathError& e) {
            BOOST_TEST(e.err == ENOENT);
        }
    });
}

BOOST_AUTO_TEST_CASE(file_in_the_middle_is_enotdir) {
    both_ways([](TempRoot& t) {
        try {
            create_in_root(t.root_fd.get(), "/etc/marker/sub", Create::directory);
            BOOST_FAIL("no error");
        } catch (const PathError& e) {
            BOOST_TEST((e.err == ENOTDIR || e.err == EEXIST));
        }
    });
}

BOOST_AUTO_TEST_CASE(components_drop_empty_and_dot) {
    auto parts = path_components("//a/./b/../c/");
    BOOST_TEST(parts.size() == 4U);
    BOOST_TEST(parts[2] == "..");
}

BOOST_AUTO_TEST_SUITE_END()
