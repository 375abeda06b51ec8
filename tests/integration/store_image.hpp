// A store image for integration tests: the test bundle's busybox rootfs
// turned into an OCI image by umoci, imported by `ward image import` into a
// store of the test's own (WARD_STORE). Shared by test_image_run.cpp and
// test_trust_check.cpp.
#pragma once

#include "integration/harness.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
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

inline bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

inline void shell(const std::string& cmd) {
    int rc = std::system(("set -e; (" + cmd + ") >/dev/null 2>&1").c_str());
    BOOST_REQUIRE_MESSAGE(rc == 0, "failed (" << rc << "): " << cmd);
}

inline std::string q(const std::string& s) {
    return "'" + s + "'";
}

// What an image holds: the bundle's busybox rootfs, configured as a small
// service would be, or only a static busybox and its sh link, as an image
// built FROM scratch (no /dev, /proc, /sys, /etc; runs as root).
enum class Contents { service, scratch };

// An image whose rootfs is the bundle's busybox rootfs (minus `drop`), or a
// FROM-scratch one; imported into DIR/store.
struct Image {
    Bundle& b;
    std::string store;
    std::string layout;
    std::string name; // the name `image import` gives it: localhost/<layout dir>:v1

    Image(Bundle& bundle, const std::string& layout_name, const std::vector<std::string>& drop = {},
          Contents contents = Contents::service)
        : b(bundle), store(bundle.dir + "/store"), layout(bundle.dir + "/" + layout_name),
          name("localhost/" + layout_name + ":v1") {
        std::string tree = b.dir + "/tree-" + layout_name;
        if (contents == Contents::scratch) {
            shell("mkdir -p " + q(tree + "/bin") + " && cp /bin/busybox " + q(tree + "/bin/") +
                  " && ln -s busybox " + q(tree + "/bin/sh"));
        } else {
            shell("cp -a " + q(b.rootfs) + " " + q(tree));
            for (const auto& d : drop)
                shell("rm -rf " + q(tree + "/" + d));
            shell("printf 'staff:x:50:user\\n' >>" + q(tree + "/etc/group"));
        }
        // unpack + repack: `umoci insert DIR /` would write a "/" entry,
        // an absolute name ward's unpack refuses. umoci new's rootfs is
        // empty, so the layer holds exactly the tree.
        std::string work = b.dir + "/umoci-" + layout_name;
        shell("umoci init --layout " + q(layout) + " && umoci new --image " + q(layout + ":v1") +
              " && umoci unpack --image " + q(layout + ":v1") + " " + q(work) + " && cp -a " +
              q(tree) + "/. " + q(work + "/rootfs") + " && umoci repack --image " +
              q(layout + ":v1") + " " + q(work));
        if (contents == Contents::service)
            shell("umoci config --image " + q(layout + ":v1") +
                  " --config.cmd sh --config.cmd -c --config.cmd 'echo uid=$(id -u) gid=$(id -g) "
                  "groups=$(id -G) cwd=$(pwd) home=$HOME greeting=$GREETING'"
                  " --config.user user --config.workingdir /home/user --config.env GREETING=hi");
        else
            shell("umoci config --image " + q(layout + ":v1") + " --config.cmd /bin/sh");
        ::mkdir(store.c_str(), 0700);
    }

    // The store entry's directory (each test's store holds one image).
    std::string entry() const {
        for (const auto& e : std::filesystem::directory_iterator(store + "/images/sha256"))
            return e.path().string();
        BOOST_FAIL("no image in " << store);
        return "";
    }

    RunOptions env() const {
        return RunOptions{std::chrono::milliseconds(60000), {}, {"WARD_STORE=" + store}};
    }

    Result ward(const std::vector<std::string>& args) { return b.runtime(args, env()); }

    Result import() { return ward({"image", "import", layout + ":v1"}); }
};

// Every path of a tree with its type, mode, owner, size and link target,
// then every regular file's SHA-256: find and sha256sum, not ward's walk.
inline std::string hash_walk(const std::string& dir) {
    std::string cmd = "cd " + q(dir) +
                      " && find . -printf '%p %y %m %U:%G %s %l\\n' | LC_ALL=C sort && find . "
                      "-type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum";
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    BOOST_REQUIRE(p);
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    BOOST_REQUIRE_MESSAGE(::pclose(p) == 0, "failed: " << cmd);
    return out;
}

// A shipped policy (contrib/policies/NAME.json) whose trust section admits
// images as `requirement` says (a JSON object), verifyRootfs as given;
// written to DIR/FILE.
inline std::string policy_trusting(Bundle& b, const std::string& name, const Json& requirement,
                                   const std::string& verify_rootfs, const std::string& file) {
    Json policy = Json::parse(slurp("contrib/policies/" + name + ".json"));
    policy["trust"]["default"] = Json::array({requirement});
    policy["trust"]["verifyRootfs"] = verify_rootfs;
    std::string path = b.dir + "/" + file;
    std::ofstream(path) << policy.dump();
    return path;
}

// A sigstoreSigned requirement on the public key KEY.pub.
inline Json signed_by(const std::string& key) {
    Json requirement = Json::object();
    requirement["type"] = "sigstoreSigned";
    requirement["keyPath"] = key + ".pub";
    return requirement;
}

} // namespace ward_it
