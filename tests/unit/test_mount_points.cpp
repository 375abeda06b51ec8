// Mount points made at import for an image that lacks them (FROM scratch):
// only the names no layer has, made empty, root-owned, 0755, never through
// a symlink; and what a later check expects: the record plus exactly
// those empty directories (tree_diff names anything else). The on-disk
// case needs root (the directories are chowned).
#include "trust_helpers.hpp"
#include "ward/base/fd.hpp"
#include "ward/trust/mount_points.hpp"
#include "ward/trust/store.hpp"
#include "ward/trust/tree_diff.hpp"
#include "ward/trust/tree_walk.hpp"

#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <sys/stat.h>

using namespace ward;
using namespace ward::trust;
using namespace ward::test;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(mount_points)

BOOST_AUTO_TEST_CASE(only_missing_names_are_made_and_never_through_a_symlink,
                     *boost::unit_test::precondition(running_as_root)) {
    TempDir t;
    fs::create_directories(t.path / "rootfs/bin");
    fs::create_symlink("/tmp", t.path / "rootfs/dev"); // the image's own /dev
    UniqueFd root(::open(t.str("rootfs").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    TreeRecord layers;
    layers.files[""] = dir();
    layers.files["bin"] = dir();
    layers.files["dev"].type = EntryType::symlink;
    ::umask(077); // the mode is set on the new directory, whatever the umask
    std::vector<std::string> made = add_mount_points(root.get(), layers);
    ::umask(022);
    BOOST_TEST(made == (std::vector<std::string>{"/proc", "/sys"}));
    BOOST_TEST(fs::is_symlink(t.path / "rootfs/dev"));
    for (const char* p : {"proc", "sys"}) {
        struct stat st {};
        BOOST_REQUIRE(::lstat(t.str("rootfs/" + std::string(p)).c_str(), &st) == 0);
        BOOST_TEST(S_ISDIR(st.st_mode));
        BOOST_TEST((st.st_mode & 07777) == 0755u);
        BOOST_TEST(st.st_uid == 0u);
        BOOST_TEST(st.st_gid == 0u);
    }
    // The walk of the tree agrees with the record plus what was made.
    TreeRecord want = layers;
    want.files["dev"].target = "/tmp";
    want.files["dev"].mode = 0777;
    TreeRecord got = record_tree(root.get());
    BOOST_TEST(!first_difference(with_mount_points(want, made), got, "since import"));
    BOOST_TEST(*first_difference(want, got, "since import") ==
               "rootfs file /proc added since import");
}

BOOST_AUTO_TEST_CASE(a_check_accepts_exactly_the_recorded_empty_directories) {
    TreeRecord layers;
    layers.files[""] = dir();
    layers.files["bin"] = dir();
    TreeRecord want = with_mount_points(layers, {"/proc"});
    TreeRecord got = want;
    BOOST_TEST(!first_difference(want, got, "since import"));
    got.files["proc/x"] = dir();
    BOOST_TEST(*first_difference(want, got, "since import") ==
               "rootfs file /proc/x added since import");
    got = want;
    got.files["sys"] = dir(); // not recorded as made at import
    BOOST_TEST(*first_difference(want, got, "since import") ==
               "rootfs file /sys added since import");
    got = want;
    got.files["proc"].uid = 1000;
    BOOST_TEST(*first_difference(want, got, "since import") ==
               "rootfs file /proc owner changed since import (want 0:0, got 1000:0)");
    got = want;
    got.files.erase("proc");
    BOOST_TEST(*first_difference(want, got, "since import") ==
               "rootfs file /proc removed since import");
    // Nothing but the three names import makes is ever accepted.
    BOOST_TEST(error_of([&] { with_mount_points(layers, {"/mnt"}); }) ==
               "\"/mnt\" is not a mount point import makes (/dev, /proc, /sys)");
}

BOOST_AUTO_TEST_CASE(image_json_keeps_them_and_refuses_others) {
    StoreEntry e;
    e.manifest = Digest{std::string(64, 'a')};
    e.chain = {e.manifest};
    e.config = Digest{std::string(64, 'c')};
    e.mount_points = {"/dev", "/proc", "/sys"};
    std::string text = serialize_image_json(e);
    BOOST_TEST(parse_image_json(text, "x").mount_points == e.mount_points);
    std::string bad = text;
    bad.replace(bad.find("\"/proc\""), 7, "\"/etc\"");
    BOOST_TEST(error_of([&] { parse_image_json(bad, "x"); }) ==
               "x: mountPoints: \"/etc\" is not a mount point import makes (/dev, /proc, /sys)");
    // An entry imported before the field existed made none.
    std::string old = text.substr(0, text.find(",\n  \"mountPoints\"")) + "\n}\n";
    BOOST_TEST(parse_image_json(old, "x").mount_points.empty());
}

BOOST_AUTO_TEST_SUITE_END()
