// Matching a client's rootfs with the store's records (trust/rootfs_match):
// what a client may add (empty, root-owned mount targets and the
// directories on the way; podman's /etc/mtab link) and nothing else; the
// stat-only pass ignores contents, the full one does not; against a real
// store, the matching image is found, a changed file names the closest
// image, an empty store says so. And the overlay options the client trust
// cache reads (container/overlay_layers).
#include "../../runtime/container/overlay_layers.hpp"
#include "tar_writer.hpp"
#include "trust_helpers.hpp"
#include "trust_layout_helpers.hpp"
#include "ward/base/fd.hpp"
#include "ward/trust/rootfs_match.hpp"
#include "ward/trust/store.hpp"
#include "ward/trust/tree_walk.hpp"

#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <sys/stat.h>

using namespace ward;
using namespace ward::trust;
using namespace ward::test;
using namespace trust_test;
namespace fs = std::filesystem;

namespace {

FileRecord file(const std::string& digest, uint64_t size, uint32_t mode = 0644) {
    FileRecord r;
    r.type = EntryType::file;
    r.mode = mode;
    r.size = size;
    r.digest = digest;
    return r;
}

TreeRecord image_record() {
    TreeRecord t;
    t.files[""] = dir();
    t.files["bin"] = dir();
    t.files["bin/sh"] = file("sha256:aa", 10, 0755);
    t.files["etc"] = dir();
    t.files["etc/passwd"] = file("sha256:bb", 20);
    return t;
}

const std::set<std::string> kTargets =
    mount_points_as_record_paths({"/proc", "/etc/hosts", "/run/.containerenv", "/dev/../x"});

std::string first(const TreeRecord& image, const TreeRecord& client, bool contents = true) {
    return compare_client_record(image, client, kTargets, contents).first.value_or("");
}

} // namespace

BOOST_AUTO_TEST_SUITE(rootfs_match)

BOOST_AUTO_TEST_CASE(mount_destinations_become_record_paths) {
    BOOST_TEST((kTargets == std::set<std::string>{"proc", "etc/hosts", "run/.containerenv"}));
    BOOST_TEST(mount_points_as_record_paths({"/", "//a/./b/"}) == std::set<std::string>{"a/b"});
}

BOOST_AUTO_TEST_CASE(the_same_tree_matches_and_empty_mount_targets_are_allowed) {
    TreeRecord client = image_record();
    BOOST_TEST(first(image_record(), client).empty());
    client.files["proc"] = dir();
    client.files["etc/hosts"] = file("sha256:e3", 0);
    client.files["run"] = dir(); // on the way to /run/.containerenv
    client.files["run/.containerenv"] = file("sha256:e3", 0);
    FileRecord mtab;
    mtab.type = EntryType::symlink;
    mtab.mode = 0777;
    mtab.target = "/proc/mounts";
    client.files["etc/mtab"] = mtab;
    BOOST_TEST(first(image_record(), client).empty());
}

BOOST_AUTO_TEST_CASE(anything_else_is_a_difference_named_by_path) {
    TreeRecord client = image_record();
    client.files["etc/passwd"].digest = "sha256:cc";
    BOOST_TEST(first(image_record(), client) == "rootfs file /etc/passwd changed since import");
    // The stat-only pass does not see contents of the same size...
    BOOST_TEST(first(image_record(), client, false).empty());
    // ...but does see a size.
    client.files["etc/passwd"].size = 21;
    BOOST_TEST(first(image_record(), client, false) ==
               "rootfs file /etc/passwd changed since import");

    client = image_record();
    client.files["etc/hosts"] = file("sha256:dd", 5);
    BOOST_TEST(first(image_record(), client) ==
               "rootfs file /etc/hosts added since import (a mount target, but not an empty file "
               "or directory)");
    client.files["etc/hosts"] = file("sha256:e3", 0, 0666);
    BOOST_TEST(first(image_record(), client) ==
               "rootfs file /etc/hosts added since import (a mount target, but not root's with "
               "mode 0755 or less)");
    client = image_record();
    client.files["tmp"] = dir(); // not a mount target of this config
    BOOST_TEST(first(image_record(), client) == "rootfs file /tmp added since import");
    client = image_record();
    client.files["etc/mtab"] = image_record().files["etc/passwd"];
    BOOST_TEST(first(image_record(), client) == "rootfs file /etc/mtab added since import");
    client = image_record();
    client.files.erase("bin/sh");
    auto c = compare_client_record(image_record(), client, kTargets, true);
    BOOST_TEST(c.first.value_or("") == "rootfs file /bin/sh removed since import");
    BOOST_TEST(c.differing == 1u);
    client.files["bin"].mode = 0777;
    BOOST_TEST(compare_client_record(image_record(), client, kTargets, true).differing == 2u);
}

// The rootfs's own "/" may be stricter than the record (podman's overlay
// driver makes it 0555 where ward recorded 0755), never looser, and is
// otherwise compared as any path is.
BOOST_AUTO_TEST_CASE(the_clients_root_may_hold_fewer_permission_bits_never_more) {
    TreeRecord client = image_record();
    for (uint32_t stricter : {0555u, 0750u, 0700u}) {
        client.files[""].mode = stricter;
        BOOST_TEST(first(image_record(), client).empty(), std::oct << stricter);
        BOOST_TEST(first(image_record(), client, false).empty(), std::oct << stricter);
    }
    for (uint32_t looser : {0775u, 0777u, 01755u, 04755u}) {
        client.files[""].mode = looser;
        BOOST_TEST(
            ward::test::contains(first(image_record(), client), "rootfs file / mode changed"),
            std::oct << looser);
    }
    client = image_record();
    client.files[""].uid = 1000;
    BOOST_TEST(!first(image_record(), client).empty());
    // Only "/": a stricter directory elsewhere is a difference.
    client = image_record();
    client.files["etc"].mode = 0555;
    BOOST_TEST(
        ward::test::contains(first(image_record(), client), "rootfs file /etc mode changed"));
}

BOOST_AUTO_TEST_CASE(a_client_copy_of_a_store_image_is_found_in_the_store,
                     *boost::unit_test::precondition([](boost::unit_test::test_unit_id) {
                         return ::geteuid() == 0;
                     })) {
    TempDir t;
    std::string root = t.str("store");
    ::mkdir(root.c_str(), 0700);
    Store store = Store::open(root, true);
    auto empty = match_store_rootfs(store, UniqueFd(::open(t.str().c_str(), O_PATH)).get(), {});
    BOOST_TEST(!empty.entry);
    BOOST_TEST(empty.why == "the store " + root + " holds no image");

    TarWriter layer;
    layer.dir("etc/", 0755);
    layer.file("etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0644);
    layer.file("bin-sh", std::string(300000, 's'), 0755);
    TempLayout layout;
    layout.index(simple_image(layout, layer.finish()) + "}");
    ImportRequest request;
    request.ref.layout = layout.str();
    request.name = "localhost/demo:v1";
    ImportResult imported = import_image(store, request);

    // The client's unpack: a copy of the image's own tree (without the
    // /dev and /sys import made for this FROM-scratch layer) plus one mount
    // target, /proc.
    std::string client = t.str("client");
    sh("cp -a '" + imported.entry.rootfs() + "' '" + client + "' && rmdir '" + client + "/dev' '" +
       client + "/sys' && test -d '" + client + "/proc'");
    UniqueFd fd(::open(client.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    RootfsMatch m = match_store_rootfs(store, fd.get(), {"proc"});
    BOOST_REQUIRE(m.entry);
    BOOST_TEST(m.entry->manifest == imported.entry.manifest);
    BOOST_TEST(m.bytes > 0u);

    // The mount target not in this config: the closest image is named.
    m = match_store_rootfs(store, fd.get(), {});
    BOOST_TEST(!m.entry);
    BOOST_TEST(m.why == "rootfs does not match image localhost/demo:v1 (" +
                            imported.entry.manifest.str() +
                            "): rootfs file /proc added since import (1 paths differ)");
}

BOOST_AUTO_TEST_CASE(overlay_options_give_the_layers_or_nothing) {
    linux::MountEntry m;
    m.fstype = "overlay";
    m.super_options = {"rw", "lowerdir=/s/2/fs:/s/1/fs", "upperdir=/s/3/fs", "workdir=/s/3/work",
                       "index=off"};
    auto layers = container::overlay_layers(m);
    BOOST_REQUIRE(layers);
    BOOST_TEST((layers->lowers == std::vector<std::string>{"/s/2/fs", "/s/1/fs"}));
    BOOST_TEST(layers->upper == "/s/3/fs");

    m.super_options = {"rw", "lowerdir+=/a", "lowerdir+=/b"};
    layers = container::overlay_layers(m);
    BOOST_REQUIRE(layers);
    BOOST_TEST((layers->lowers == std::vector<std::string>{"/a", "/b"}));
    BOOST_TEST(layers->upper.empty());

    for (const char* option :
         {"lowerdir=/a::/data", "lowerdir=relative/a", "lowerdir=/a\\:b", "datadir+=/d"}) {
        m.super_options = {"rw", option};
        if (std::string(option) == "datadir+=/d")
            m.super_options.insert(m.super_options.begin() + 1, "lowerdir+=/a");
        BOOST_TEST(!container::overlay_layers(m), option);
    }
    m.fstype = "ext4";
    m.super_options = {"rw", "lowerdir=/a"};
    BOOST_TEST(!container::overlay_layers(m));
}

// podman names each lower layer through a link of its own
// (STORAGE/overlay/l/ID -> ../LAYER/diff): that one symlink, as the last
// component, is followed and shown in the identity; a symlink anywhere
// else on the way opens nothing.
BOOST_AUTO_TEST_CASE(a_lower_layer_named_by_a_link_of_its_own_is_opened) {
    TempDir t;
    fs::create_directories(t.str("overlay/LAYER/diff"));
    fs::create_directories(t.str("overlay/l"));
    fs::create_directory_symlink("../LAYER/diff", t.str("overlay/l/ID"));
    container::OverlayLayers layers;
    layers.lowers = {t.str("overlay/l/ID")};
    auto opened = container::open_layers(layers);
    BOOST_REQUIRE(opened);
    BOOST_TEST(
        ward::test::contains(opened->identity, t.str("overlay/l/ID") + " -> ../LAYER/diff\n"));
    struct stat via_link {
    }, layer{};
    BOOST_REQUIRE(::fstat(opened->lowers.at(0).get(), &via_link) == 0);
    BOOST_REQUIRE(::stat(t.str("overlay/LAYER/diff").c_str(), &layer) == 0);
    BOOST_TEST(via_link.st_ino == layer.st_ino);

    fs::create_directory_symlink(t.str("overlay"), t.str("via"));
    layers.lowers = {t.str("via/l/ID")};
    BOOST_TEST(!container::open_layers(layers));
    fs::create_directory_symlink("../l/ID", t.str("overlay/l/TWICE"));
    layers.lowers = {t.str("overlay/l/TWICE")};
    BOOST_TEST(!container::open_layers(layers));
}

BOOST_AUTO_TEST_SUITE_END()
