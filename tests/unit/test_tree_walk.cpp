// The rootfs walk: a tree unpacked from layers and walked again gives the
// unpacker's record byte for byte; the walk never leaves the tree (no
// symlink followed, no mount crossed); first_difference names the first
// path that changed and how. The on-disk cases need root (chown, mknod,
// mount).
#include "tar_writer.hpp"
#include "trust_helpers.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/scope.hpp"
#include "ward/trust/tree_diff.hpp"
#include "ward/trust/tree_walk.hpp"
#include "ward/trust/unpack.hpp"

#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/xattr.h>

using namespace ward;
using namespace ward::trust;
using namespace ward::test;
namespace fs = std::filesystem;

namespace {

constexpr const char* kTar = "application/vnd.oci.image.layer.v1.tar";

UniqueFd open_dir(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    BOOST_REQUIRE_MESSAGE(fd, "open " << path);
    return fd;
}

TreeRecord walk(const std::string& path, unsigned threads = 0) {
    WalkOptions o;
    o.threads = threads;
    return record_tree(open_dir(path).get(), o);
}

// A v2 capability set: cap_net_raw (13) permitted and effective.
const std::string
    kCap("\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 20);

// Two layers with every kind of entry the record knows.
void unpack_sample(int target, TreeRecord& tree) {
    UnpackOptions options;
    options.devices = Treatment::keep;
    options.setid = Treatment::drop;
    options.file_capabilities = Treatment::keep;
    UnpackLimits limits;

    TarWriter lower;
    TarHeader root;
    root.name = "./";
    root.type = '5';
    root.mode = 0751;
    lower.entry(root);
    lower.dir("etc/", 0755);
    lower.file("etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0644);
    lower.file("etc/shadow", "root:*:1::::::\n", 0640, 0, 42);
    lower.pax({{"SCHILY.xattr.user.origin", "lower"}});
    lower.dir("home/user/", 0700);
    lower.file("home/user/notes", "mine", 0600, 1000, 1000);
    lower.file("home/user/empty", "", 0644, 1000, 1000);
    lower.file("home/user/with space and ü", "x", 0644);
    lower.symlink("bin", "usr/bin");
    lower.symlink("usr/lib64", "/lib/x86_64-linux-gnu");
    lower.file("usr/bin/tool", std::string(3 << 20, 't'), 0755); // bigger than a read buffer
    lower.hardlink("usr/bin/tool2", "usr/bin/tool");
    lower.hardlink("usr/bin/tool3", "usr/bin/tool");
    lower.file("bin-su", "su", 04755); // setuid dropped
    lower.dir("shared/", 02775);       // setgid directory kept
    lower.pax({{"SCHILY.xattr.security.capability", kCap}, {"SCHILY.xattr.user.a", "1"}});
    lower.file("usr/bin/ping", "ping", 0755);
    lower.device("dev/null", '3', 1, 3);
    lower.device("dev/loop9", '4', 7, 9);
    TarHeader fifo;
    fifo.name = "run/fifo";
    fifo.type = '6';
    fifo.mode = 0620;
    lower.entry(fifo);
    lower.file("var/old/a", "a");
    lower.file("var/gone", "g");
    std::string lower_blob = lower.finish();
    MemorySource l(lower_blob);
    unpack_layer(target, l, kTar, limits, options, tree);

    TarWriter upper;
    upper.file("var/.wh.gone", "");
    upper.dir("var/old/");
    upper.file("var/old/.wh..wh..opq", "");
    upper.file("var/old/b", "b");
    upper.file("etc/passwd", "root:x:0:0::/root:/bin/bash\n", 0644);
    std::string upper_blob = upper.finish();
    MemorySource u(upper_blob);
    unpack_layer(target, u, kTar, limits, options, tree);
}

// The map a test changes one thing in.
TreeRecord sample_record() {
    TreeRecord t;
    FileRecord dir;
    dir.type = EntryType::directory;
    dir.mode = 0755;
    t.files[""] = dir;
    t.files["bin"] = dir;
    FileRecord sh;
    sh.mode = 0755;
    sh.size = 4;
    sh.digest = "sha256:" + std::string(64, 'a');
    t.files["bin/sh"] = sh;
    FileRecord lib;
    lib.type = EntryType::symlink;
    lib.mode = 0777;
    lib.target = "usr/lib";
    t.files["lib"] = lib;
    FileRecord null;
    null.type = EntryType::char_device;
    null.mode = 0666;
    null.major = 1;
    null.minor = 3;
    t.files["dev/null"] = null;
    return t;
}

} // namespace

BOOST_AUTO_TEST_SUITE(tree_walk)

BOOST_AUTO_TEST_CASE(an_unpacked_tree_walks_to_the_unpack_record_byte_for_byte,
                     *boost::unit_test::precondition(running_as_root)) {
    TempDir t;
    fs::create_directories(t.path / "target");
    TreeRecord unpacked;
    unpack_sample(open_dir(t.str("target")).get(), unpacked);
    std::string want = serialize_records(unpacked);
    // The sample holds what it claims to (or the comparison proves little).
    for (const char* part :
         {"\"path\":\"/\",\"type\":\"dir\",\"mode\":\"0751\"", "\"type\":\"char\"",
          "\"type\":\"block\"", "\"type\":\"fifo\"", "\"target\":\"/lib/x86_64-linux-gnu\"",
          "\"security.capability\":", "\"user.origin\":",
          "\"path\":\"/bin-su\",\"type\":\"file\","
          "\"mode\":\"0755\"",
          "\"path\":\"/shared\",\"type\":\"dir\",\"mode\":\"2775\"",
          "\"path\":\"/home/user/with space and ü\"", "\"uid\":1000,\"gid\":1000"})
        BOOST_TEST(contains(want, part), part);
    BOOST_TEST(!contains(want, "/var/gone"));
    BOOST_TEST(!contains(want, "/var/old/a"));

    for (unsigned threads : {1u, 2u, 7u}) {
        BOOST_TEST_CONTEXT("threads " << threads) {
            TreeRecord got = walk(t.str("target"), threads);
            BOOST_TEST(serialize_records(got) == want);
            BOOST_TEST(got.entries == unpacked.files.size());
            BOOST_TEST(!first_difference(unpacked, got, "since import"));
        }
    }
    // The hardlinked 3 MiB file is read once, not three times.
    TreeRecord got = walk(t.str("target"));
    BOOST_TEST(got.content_bytes < (4u << 20));
    BOOST_TEST(got.content_bytes > (3u << 20));
    // And the walk agrees with sha256sum(1) about contents.
    BOOST_TEST(got.files.at("usr/bin/tool").digest == sha256sum(t.str("target/usr/bin/tool")));
}

BOOST_AUTO_TEST_CASE(the_walk_never_leaves_the_tree,
                     *boost::unit_test::precondition(running_as_root)) {
    TempDir t;
    fs::create_directories(t.path / "root/dir");
    fs::create_directories(t.path / "outside/secret");
    write_bytes(t.str("outside/secret/key"), "k");
    fs::create_symlink(t.str("outside"), t.path / "root/out");
    fs::create_symlink("../../outside/secret", t.path / "root/dir/up");
    TreeRecord r = walk(t.str("root"));
    BOOST_TEST(r.files.size() == 4u); // "", dir, dir/up, out
    BOOST_TEST(r.files.at("out").target == t.str("outside"));
    BOOST_TEST((r.files.at("out").type == EntryType::symlink));
    BOOST_TEST(!r.files.count("out/secret/key"));

    // A mount below the root: refused, directory or file.
    fs::create_directories(t.path / "root/mnt");
    BOOST_REQUIRE(::mount("tmpfs", t.str("root/mnt").c_str(), "tmpfs", 0, "size=64k") == 0);
    {
        ScopeGuard unmount([&] { ::umount2(t.str("root/mnt").c_str(), MNT_DETACH); });
        BOOST_TEST(error_of([&] { walk(t.str("root")); }) ==
                   "rootfs directory /mnt is a mount point (the walk does not cross mounts)");
        // The mount's own root may be walked: a rootfs on its own filesystem.
        write_bytes(t.str("root/mnt/f"), "f");
        BOOST_TEST(walk(t.str("root/mnt")).files.count("f") == 1u);
    }
    write_bytes(t.str("root/file"), "a");
    BOOST_REQUIRE(::mount(t.str("outside/secret/key").c_str(), t.str("root/file").c_str(), nullptr,
                          MS_BIND, nullptr) == 0);
    {
        ScopeGuard unmount([&] { ::umount2(t.str("root/file").c_str(), MNT_DETACH); });
        BOOST_TEST(error_of([&] { walk(t.str("root")); }) ==
                   "rootfs file /file is a mount point (the walk does not cross mounts)");
    }
    BOOST_TEST(walk(t.str("root")).files.at("file").digest == sha256sum(t.str("root/file")));
}

BOOST_AUTO_TEST_CASE(what_a_record_cannot_hold_is_refused) {
    TempDir t;
    fs::create_directories(t.path / "root/a/b/c");
    // A socket has no record type.
    {
        UniqueFd s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::string p = t.str("root/a/sock");
        BOOST_REQUIRE(p.size() < sizeof addr.sun_path);
        std::memcpy(addr.sun_path, p.c_str(), p.size());
        BOOST_REQUIRE(::bind(s.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    }
    BOOST_TEST(error_of([&] { walk(t.str("root")); }) ==
               "rootfs file /a/sock is a socket (a rootfs record has no type for one)");
    fs::remove(t.path / "root/a/sock");
    // Names the record could not keep as JSON strings.
    write_bytes(t.str("root/bad\xff"), "");
    BOOST_TEST(error_of([&] { walk(t.str("root")); }) ==
               "rootfs file \"/bad\\xff\": name is not valid UTF-8");
    fs::remove(t.path / "root/bad\xff");
    BOOST_REQUIRE(::symlink("\xfe", t.str("root/badlink").c_str()) == 0);
    BOOST_TEST(error_of([&] { walk(t.str("root")); }) ==
               "rootfs symlink /badlink: target is not valid UTF-8");
    fs::remove(t.path / "root/badlink");
    // Limits.
    WalkOptions shallow;
    shallow.max_depth = 2;
    auto fd = open_dir(t.str("root"));
    BOOST_TEST(error_of([&] { record_tree(fd.get(), shallow); }) ==
               "rootfs directory /a/b/c is deeper than 2 levels");
    WalkOptions few;
    few.max_entries = 3;
    BOOST_TEST(error_of([&] { record_tree(fd.get(), few); }) == "rootfs has more than 3 entries");
    BOOST_TEST(walk(t.str("root")).files.size() == 4u);
}

BOOST_AUTO_TEST_CASE(first_difference_names_the_first_path_and_what_changed) {
    const TreeRecord want = sample_record();
    auto diff = [&](auto change, const std::string& since = "since signing") {
        TreeRecord got = want;
        change(got);
        return first_difference(want, got, since).value_or("(none)");
    };
    BOOST_TEST(!first_difference(want, want, "since signing"));
    BOOST_TEST(diff([](TreeRecord& g) { g.files["bin/sh"].digest[10] = 'b'; }) ==
               "rootfs file /bin/sh changed since signing");
    BOOST_TEST(diff([](TreeRecord& g) { g.files["bin/sh"].size = 5; }) ==
               "rootfs file /bin/sh changed since signing");
    BOOST_TEST(diff([](TreeRecord& g) { g.files["bin/sh"].mode = 0777; }) ==
               "rootfs file /bin/sh mode changed since signing (want 0755, got 0777)");
    BOOST_TEST(diff([](TreeRecord& g) { g.files["bin/sh"].mode = 04755; }, "since import") ==
               "rootfs file /bin/sh mode changed since import (want 0755, got 4755)");
    BOOST_TEST(diff([](TreeRecord& g) { g.files["bin"].uid = 1000; }) ==
               "rootfs file /bin owner changed since signing (want 0:0, got 1000:0)");
    BOOST_TEST(diff([](TreeRecord& g) { g.files["bin/sh"].gid = 5; }) ==
               "rootfs file /bin/sh owner changed since signing (want 0:0, got 0:5)");
    BOOST_TEST(diff([](TreeRecord& g) { g.files["lib"].target = "/"; }) ==
               "rootfs symlink /lib target changed since signing (want \"usr/lib\", got \"/\")");
    BOOST_TEST(diff([](TreeRecord& g) { g.files["dev/null"].minor = 5; }) ==
               "rootfs device /dev/null changed since signing (want char 1:3, got char 1:5)");
    BOOST_TEST(diff([](TreeRecord& g) { g.files["dev/null"].type = EntryType::block_device; }) ==
               "rootfs file /dev/null type changed since signing (want char, got block)");
    BOOST_TEST(diff([](TreeRecord& g) { g.files["bin/ls"] = g.files["bin/sh"]; }) ==
               "rootfs file /bin/ls added since signing");
    BOOST_TEST(diff([](TreeRecord& g) { g.files.erase("lib"); }) ==
               "rootfs file /lib removed since signing");
    BOOST_TEST(diff([](TreeRecord& g) { g.files["zz"] = g.files["bin/sh"]; }) ==
               "rootfs file /zz added since signing");
    BOOST_TEST(diff([](TreeRecord& g) { g.files["bin/sh"].xattrs["security.capability"] = "c"; }) ==
               "rootfs file /bin/sh xattr security.capability added since signing");
    BOOST_TEST(diff([](TreeRecord& g) { g.files["a b"] = g.files["bin"]; }) ==
               "rootfs file \"/a b\" added since signing");
    // Several changes: the first path in sorted order is named.
    BOOST_TEST(diff([](TreeRecord& g) {
                   g.files["lib"].target = "x";
                   g.files["bin/sh"].mode = 0700;
                   g.files.erase("dev/null");
               }) == "rootfs file /bin/sh mode changed since signing (want 0755, got 0700)");
    // Several changes to one path: content before mode before owner.
    BOOST_TEST(diff([](TreeRecord& g) {
                   g.files["bin/sh"].uid = 1;
                   g.files["bin/sh"].mode = 0700;
                   g.files["bin/sh"].digest[8] = 'c';
               }) == "rootfs file /bin/sh changed since signing");
    {
        TreeRecord a = want, b = want;
        a.files["bin/sh"].xattrs["user.x"] = "1";
        b.files["bin/sh"].xattrs["user.x"] = "2";
        BOOST_TEST(first_difference(a, b, "since signing").value_or("") ==
                   "rootfs file /bin/sh xattr user.x changed since signing");
        BOOST_TEST(first_difference(a, want, "since signing").value_or("") ==
                   "rootfs file /bin/sh xattr user.x removed since signing");
    }
}

BOOST_AUTO_TEST_CASE(changes_on_disk_are_named, *boost::unit_test::precondition(running_as_root)) {
    TempDir t;
    fs::create_directories(t.path / "target");
    TreeRecord unpacked;
    unpack_sample(open_dir(t.str("target")).get(), unpacked);
    auto after = [&](const std::function<void()>& change, const std::function<void()>& undo) {
        change();
        auto d = first_difference(unpacked, walk(t.str("target")), "since import");
        undo();
        BOOST_TEST(!first_difference(unpacked, walk(t.str("target")), "since import"));
        return d.value_or("(none)");
    };
    std::string tool = t.str("target/usr/bin/tool");
    std::string saved = read_file(tool);
    BOOST_TEST(after([&] { write_bytes(tool, saved.substr(0, saved.size() - 1) + "u"); },
                     [&] { write_bytes(tool, saved); }) ==
               "rootfs file /usr/bin/tool changed since import");
    BOOST_TEST(after([&] { fs::permissions(tool, fs::perms(04755)); },
                     [&] { fs::permissions(tool, fs::perms(0755)); }) ==
               "rootfs file /usr/bin/tool mode changed since import (want 0755, got 4755)");
    BOOST_TEST(after([&] { BOOST_REQUIRE(::lchown(tool.c_str(), 7, 7) == 0); },
                     [&] { BOOST_REQUIRE(::lchown(tool.c_str(), 0, 0) == 0); }) ==
               "rootfs file /usr/bin/tool owner changed since import (want 0:0, got 7:7)");
    BOOST_TEST(after([&] { write_bytes(t.str("target/etc/new"), ""); },
                     [&] { fs::remove(t.path / "target/etc/new"); }) ==
               "rootfs file /etc/new added since import");
    BOOST_TEST(after([&] { fs::rename(t.path / "target/etc/shadow", t.path / "shadow"); },
                     [&] { fs::rename(t.path / "shadow", t.path / "target/etc/shadow"); }) ==
               "rootfs file /etc/shadow removed since import");
    BOOST_TEST(after(
                   [&] {
                       fs::remove(t.path / "target/bin");
                       fs::create_symlink("/usr/bin", t.path / "target/bin");
                   },
                   [&] {
                       fs::remove(t.path / "target/bin");
                       fs::create_symlink("usr/bin", t.path / "target/bin");
                   }) == "rootfs symlink /bin target changed since import (want \"usr/bin\", got "
                         "\"/usr/bin\")");
    std::string ping = t.str("target/usr/bin/ping");
    BOOST_TEST(after([&] { ::removexattr(ping.c_str(), "security.capability"); },
                     [&] {
                         BOOST_REQUIRE(::setxattr(ping.c_str(), "security.capability", kCap.data(),
                                                  kCap.size(), 0) == 0);
                     }) ==
               "rootfs file /usr/bin/ping xattr security.capability removed since import");
    // Other namespaces than user.* and security.capability are not the
    // image's: a trusted.* xattr is not a change.
    BOOST_REQUIRE(::setxattr(ping.c_str(), "trusted.x", "1", 1, 0) == 0);
    BOOST_TEST(!first_difference(unpacked, walk(t.str("target")), "since import"));
}

BOOST_AUTO_TEST_SUITE_END()
