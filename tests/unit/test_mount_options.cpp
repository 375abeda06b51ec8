#include "ward/base/error.hpp"
#include "ward/linux/mount_options.hpp"

#include <boost/test/unit_test.hpp>
#include <sys/mount.h>

using namespace ward;
using namespace ward::linux;

BOOST_AUTO_TEST_SUITE(mount_options)

BOOST_AUTO_TEST_CASE(flags_and_data_are_split) {
    auto o = parse_mount_options({"nosuid", "noexec", "nodev", "mode=755", "size=65536k"});
    BOOST_TEST(o.flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV));
    BOOST_TEST(o.cleared == 0UL);
    BOOST_TEST(o.data_string() == "mode=755,size=65536k");
    BOOST_TEST(!o.bind());
}

BOOST_AUTO_TEST_CASE(later_options_win) {
    auto o = parse_mount_options({"ro", "rw"});
    BOOST_TEST((o.flags & MS_RDONLY) == 0UL);
    BOOST_TEST((o.cleared & MS_RDONLY) != 0UL);
    o = parse_mount_options({"rw", "ro"});
    BOOST_TEST((o.flags & MS_RDONLY) != 0UL);
    BOOST_TEST((o.cleared & MS_RDONLY) == 0UL);
}

BOOST_AUTO_TEST_CASE(bind_and_rbind) {
    auto o = parse_mount_options({"bind"});
    BOOST_TEST(o.bind());
    BOOST_TEST(!o.recursive_bind());
    o = parse_mount_options({"rbind", "ro"});
    BOOST_TEST(o.recursive_bind());
    BOOST_TEST((o.flags & MS_RDONLY) != 0UL);
}

BOOST_AUTO_TEST_CASE(propagation_is_kept_apart_in_order) {
    auto o = parse_mount_options({"rbind", "rslave", "private"});
    BOOST_TEST(o.propagation.size() == 2U);
    BOOST_TEST(o.propagation[0] == (MS_SLAVE | MS_REC));
    BOOST_TEST(o.propagation[1] == static_cast<unsigned long>(MS_PRIVATE));
    BOOST_TEST((o.flags & (MS_SLAVE | MS_PRIVATE | MS_SHARED)) == 0UL);
}

BOOST_AUTO_TEST_CASE(recursive_options_become_mount_attributes) {
    auto o = parse_mount_options({"rbind", "rro", "rnosuid", "rexec"});
    BOOST_TEST(o.recursive_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID));
    BOOST_TEST(o.recursive_clear == static_cast<uint64_t>(MOUNT_ATTR_NOEXEC));
    BOOST_TEST((o.flags & MS_RDONLY) == 0UL); // not the plain flag
    o = parse_mount_options({"rro", "rrw"});
    BOOST_TEST(o.recursive_set == 0U);
    BOOST_TEST(o.recursive_clear == static_cast<uint64_t>(MOUNT_ATTR_RDONLY));
}

BOOST_AUTO_TEST_CASE(recursive_atime_clears_the_whole_field) {
    auto o = parse_mount_options({"rnoatime"});
    BOOST_TEST(o.recursive_set == static_cast<uint64_t>(MOUNT_ATTR_NOATIME));
    BOOST_TEST(o.recursive_clear == static_cast<uint64_t>(MOUNT_ATTR__ATIME));
    o = parse_mount_options({"rnoatime", "rrelatime"});
    BOOST_TEST(o.recursive_set == 0U); // relatime is the zero value
    BOOST_TEST(o.recursive_clear == static_cast<uint64_t>(MOUNT_ATTR__ATIME));
}

BOOST_AUTO_TEST_CASE(atime_modes_replace_each_other) {
    auto o = parse_mount_options({"noatime", "strictatime"});
    BOOST_TEST((o.flags & MS_NOATIME) == 0UL);
    BOOST_TEST((o.flags & MS_STRICTATIME) != 0UL);
    BOOST_TEST(touches_atime(o.flags));
    BOOST_TEST(mount_attrs_of(o.flags) == static_cast<uint64_t>(MOUNT_ATTR_STRICTATIME));
}

BOOST_AUTO_TEST_CASE(idmap_and_copy_up) {
    auto o = parse_mount_options({"bind", "idmap"});
    BOOST_TEST(o.idmap);
    BOOST_TEST(!o.recursive_idmap);
    o = parse_mount_options({"rbind", "ridmap"});
    BOOST_TEST(o.recursive_idmap);
    o = parse_mount_options({"tmpcopyup", "mode=1777"});
    BOOST_TEST(o.copy_up);
    BOOST_TEST(o.data_string() == "mode=1777"); // never handed to the filesystem
}

BOOST_AUTO_TEST_CASE(mount_attrs_of_per_mount_flags) {
    BOOST_TEST(mount_attrs_of(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOSYMFOLLOW) ==
               (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
                MOUNT_ATTR_NOSYMFOLLOW));
    BOOST_TEST(mount_attrs_of(MS_SYNCHRONOUS | MS_BIND) == 0U); // not per-mount
}

BOOST_AUTO_TEST_CASE(unknown_names_are_data_empty_ones_refused) {
    auto o = parse_mount_options({"newinstance", "ptmxmode=0666", "gid=5"});
    BOOST_TEST(o.data_string() == "newinstance,ptmxmode=0666,gid=5");
    BOOST_CHECK_THROW(parse_mount_options({"ro", ""}), Error);
}

BOOST_AUTO_TEST_SUITE_END()
