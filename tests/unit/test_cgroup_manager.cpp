// The cgroup manager interface: which driver a container gets and where
// each puts its cgroup, decided before anything is made (state.json records
// it first, so a killed create leaves what `delete --force` clears).
#include "error_text.hpp"
#include "ward/base/error.hpp"
#include "ward/cgroups/manager.hpp"

#include <boost/test/unit_test.hpp>

using namespace ward;
using cgroups::Driver;
using ward::test::error_of;

BOOST_AUTO_TEST_SUITE(cgroup_manager)

BOOST_AUTO_TEST_CASE(systemd_driver_places_the_scope_in_its_slice) {
    auto m = cgroups::new_manager(Driver::systemd, "machine-web.slice:ward:c1", "c1", "d");
    BOOST_TEST(m->placement().cgroup == "/machine.slice/machine-web.slice/ward-c1.scope");
    BOOST_TEST(m->placement().systemd_unit == "ward-c1.scope");
    BOOST_TEST(m->cgroup().path() == m->placement().cgroup);
    // An empty cgroupsPath: ward's own prefix and the id, in system.slice.
    auto d = cgroups::new_manager(Driver::systemd, "", "c2", "d");
    BOOST_TEST(d->placement().cgroup == "/system.slice/ward-c2.scope");
}

BOOST_AUTO_TEST_CASE(cgroupfs_driver_takes_an_absolute_path_as_is) {
    auto m = cgroups::new_manager(Driver::cgroupfs, "/pods/./c1", "c1", "d");
    BOOST_TEST(m->placement().cgroup == "/pods/c1");
    BOOST_TEST(m->placement().systemd_unit.empty());
}

BOOST_AUTO_TEST_CASE(each_driver_refuses_the_others_path_form) {
    auto colon =
        error_of([] { cgroups::new_manager(Driver::cgroupfs, "system.slice:a:b", "x", ""); });
    BOOST_TEST(colon.find("--systemd-cgroup") != std::string::npos, colon);
    auto plain = error_of([] { cgroups::new_manager(Driver::systemd, "/a/b", "x", ""); });
    BOOST_TEST(plain.find("slice:prefix:name") != std::string::npos, plain);
    auto dotdot = error_of([] { cgroups::new_manager(Driver::cgroupfs, "/a/../b", "x", ""); });
    BOOST_TEST(dotdot.find("\"..\"") != std::string::npos, dotdot);
}

// A container's state names its unit when the systemd driver made it:
// that, not the path's shape, picks the driver for delete and update.
BOOST_AUTO_TEST_CASE(state_picks_the_driver_back) {
    auto sd = cgroups::manager_of({"/system.slice/ward-c1.scope", "ward-c1.scope"});
    BOOST_TEST(sd->placement().systemd_unit == "ward-c1.scope");
    auto fs = cgroups::manager_of({"/system.slice/ward-c1.scope", ""});
    BOOST_TEST(fs->placement().systemd_unit.empty());
    BOOST_TEST(fs->cgroup().path() == "/system.slice/ward-c1.scope");
}

BOOST_AUTO_TEST_SUITE_END()
