// A store image for integration tests: the test bundle's busybox rootfs
// turned into an OCI image by umoci, imported by `ward image import` into a
// store of the test's own (WARD_STORE). Shared by test_image_run.cpp and
// test_trust_check.cpp.
#pragma once

#include "integration/harness.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace ward_it {

namespace utf = boost::unit_test;

inline boost::test_tools::assertion_result has_umoci(utf::test_unit_id) {
    if (std::system("command -v umoci >/dev/null 2>&1") == 0)
        return true;
    boost::test_tools::assertion_result r(false);
    r.message() << "umoci not installed (scripts/deps.sh installs it)";
    return r;
}

inline void shell(const std::string& cmd) {
    int rc = std::system(("set -e; (" + cmd + ") >/dev/null 2>&1").c_str());
    BOOST_REQUIRE_MESSAGE(rc == 0, "failed (" << rc << "): " << cmd);
}

inline std::string q(const std::string& s) {
    return "'" + s + "'";
}

// An image whose rootfs is the bundle's busybox rootfs (minus `drop`),
// configured as a small service would be; imported into DIR/store.
struct Image {
    Bundle& b;
    std::string store;
    std::string layout;
    std::string name; // the name `image import` gives it: localhost/<layout dir>:v1

    Image(Bundle& bundle, const std::string& layout_name, const std::vector<std::string>& drop = {})
        : b(bundle), store(bundle.dir + "/store"), layout(bundle.dir + "/" + layout_name),
          name("localhost/" + layout_name + ":v1") {
        std::string tree = b.dir + "/tree-" + layout_name;
        shell("cp -a " + q(b.rootfs) + " " + q(tree));
        for (const auto& d : drop)
            shell("rm -rf " + q(tree + "/" + d));
        shell("printf 'staff:x:50:user\\n' >>" + q(tree + "/etc/group"));
        // unpack + repack: `umoci insert DIR /` would write a "/" entry,
        // an absolute name ward's unpack refuses.
        std::string work = b.dir + "/umoci-" + layout_name;
        shell("umoci init --layout " + q(layout) + " && umoci new --image " + q(layout + ":v1") +
              " && umoci unpack --image " + q(layout + ":v1") + " " + q(work) + " && cp -a " +
              q(tree) + "/. " + q(work + "/rootfs") + " && umoci repack --image " +
              q(layout + ":v1") + " " + q(work));
        shell("umoci config --image " + q(layout + ":v1") +
              " --config.cmd sh --config.cmd -c --config.cmd 'echo uid=$(id -u) gid=$(id -g) "
              "groups=$(id -G) cwd=$(pwd) home=$HOME greeting=$GREETING'"
              " --config.user user --config.workingdir /home/user --config.env GREETING=hi");
        ::mkdir(store.c_str(), 0700);
    }

    RunOptions env() const {
        return RunOptions{std::chrono::milliseconds(60000), {}, {"WARD_STORE=" + store}};
    }

    Result ward(const std::vector<std::string>& args) { return b.runtime(args, env()); }

    Result import() { return ward({"image", "import", layout + ":v1"}); }
};


} // namespace ward_it
