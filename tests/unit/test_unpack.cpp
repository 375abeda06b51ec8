// Safe unpack: real layers land exactly (checked against an independent
// walk of the tree in Python), whiteouts follow the OCI layer spec, and
// every malicious layer is refused with a message saying why, leaving
// everything outside the target as it was. Needs root (chown, mknod).
#include "tar_writer.hpp"
#include "trust_helpers.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/in_root.hpp"
#include "ward/trust/unpack.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

using namespace ward;
using namespace ward::trust;
using namespace ward::test;
namespace fs = std::filesystem;

namespace {

constexpr const char* kTar = "application/vnd.oci.image.layer.v1.tar";

// The record format written again, independently, from a walk of the tree.
constexpr const char* kWalk = R"PY(
import os, sys, json, hashlib, stat, base64
root = sys.argv[1]
rels = ['']
for d, dirs, files in os.walk(root):
    for n in dirs + files:
        rels.append(os.path.relpath(os.path.join(d, n), root))
for rel in sorted(rels):
    p = os.path.join(root, rel) if rel else root
    st = os.lstat(p)
    m = st.st_mode
    t = ('dir' if stat.S_ISDIR(m) else 'file' if stat.S_ISREG(m) else 'symlink' if stat.S_ISLNK(m)
         else 'char' if stat.S_ISCHR(m) else 'block' if stat.S_ISBLK(m) else 'fifo')
    r = {'path': '/' + rel, 'type': t, 'mode': '%04o' % stat.S_IMODE(m), 'uid': st.st_uid, 'gid': st.st_gid}
    if t == 'file':
        r['size'] = st.st_size
        r['digest'] = 'sha256:' + hashlib.sha256(open(p, 'rb').read()).hexdigest()
    if t == 'symlink':
        r['target'] = os.readlink(p)
    if t in ('char', 'block'):
        r['major'], r['minor'] = os.major(st.st_rdev), os.minor(st.st_rdev)
    if t != 'symlink':
        xs = sorted(x for x in os.listxattr(p, follow_symlinks=False)
                    if x.startswith('user.') or x == 'security.capability')
        if xs:
            r['xattrs'] = {x: base64.b64encode(os.getxattr(p, x, follow_symlinks=False)).decode() for x in xs}
    print(json.dumps(r, separators=(',', ':'), ensure_ascii=False))
)PY";

struct Target {
    TempDir t;
    UniqueFd fd;
    TreeRecord tree;
    UnpackOptions options;
    UnpackLimits limits;
    std::string before;

    Target() {
        fs::create_directories(t.path / "target");
        fs::create_directories(t.path / "outside" / "dir");
        write_bytes(t.str("outside/marker"), "outside");
        fd.reset(::open(t.str("target").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        before = outside();
    }
    ~Target() { force_fd_walk(false); }

    std::string outside_path(const std::string& rel = "") const { return t.str("outside/" + rel); }
    std::string in(const std::string& rel) const { return t.str("target/" + rel); }

    // Everything next to the target: names, kinds, modes, owners, contents.
    std::string outside() {
        std::vector<std::string> lines;
        auto it = fs::recursive_directory_iterator(t.path);
        for (auto& e : it) {
            if (e.path() == t.path / "target") {
                it.disable_recursion_pending();
                continue;
            }
            struct stat st {};
            ::lstat(e.path().c_str(), &st);
            std::string line = e.path().string() + " " + std::to_string(st.st_mode) + " " +
                               std::to_string(st.st_uid) + " " + std::to_string(st.st_mtim.tv_sec) +
                               " " + std::to_string(st.st_mtim.tv_nsec);
            if (S_ISREG(st.st_mode))
                line += " " + read_file(e.path().string());
            lines.push_back(std::move(line));
        }
        std::sort(lines.begin(), lines.end());
        std::string out;
        for (auto& l : lines)
            out += l + "\n";
        return out;
    }

    LayerResult layer(const std::string& blob, const char* media_type = kTar) {
        MemorySource src(blob);
        return unpack_layer(fd.get(), src, media_type, limits, options, tree);
    }

    // The error a layer is refused with; the outside must be untouched.
    std::string refused(const std::string& blob, const char* media_type = kTar) {
        std::string msg = error_of([&] { layer(blob, media_type); });
        BOOST_TEST(outside() == before);
        return msg;
    }

    std::string walk() {
        write_bytes(t.str("walk.py"), kWalk);
        std::string out = sh("/usr/bin/python3 " + t.str("walk.py") + " " + t.str("target"));
        fs::remove(t.path / "walk.py");
        return out;
    }
};

bool is_root() {
    return ::geteuid() == 0;
}

boost::test_tools::assertion_result needs_root(boost::unit_test::test_unit_id) {
    boost::test_tools::assertion_result r(is_root());
    r.message() << "unpack applies ownership and makes device nodes: run as root";
    return r;
}

// Runs the body once through openat2 and once through the fd walk.
template <typename Fn>
void both_ways(Fn&& fn) {
    for (bool walk : {false, true}) {
        BOOST_TEST_CONTEXT("fd walk: " << walk) {
            Target t;
            force_fd_walk(walk);
            fn(t);
        }
    }
}

struct stat lstat_of(const std::string& path) {
    struct stat st {};
    BOOST_REQUIRE_MESSAGE(::lstat(path.c_str(), &st) == 0, "lstat " << path);
    return st;
}

} // namespace

BOOST_AUTO_TEST_SUITE(unpack, *boost::unit_test::precondition(needs_root))

BOOST_AUTO_TEST_CASE(a_normal_layer_lands_as_written) {
    Target t;
    TarWriter w;
    TarHeader root;
    root.name = "./";
    root.type = '5';
    root.mode = 0750;
    w.entry(root);
    w.dir("./etc/", 0755);
    w.file("./etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0644);
    w.dir("home/user/", 0700);
    w.file("home/user/notes", "mine", 0600, 1000, 1000);
    w.symlink("bin", "usr/bin");
    w.file("usr/bin/tool", "#!/bin/sh\n", 0755); // usr/ and usr/bin/ are implied
    w.hardlink("usr/bin/tool2", "usr/bin/tool");
    TarHeader fifo;
    fifo.name = "run/fifo";
    fifo.type = '6';
    fifo.mode = 0620;
    w.entry(fifo);
    std::string long_name = "deep/" + std::string(200, 'n');
    w.pax({{"path", long_name}, {"mtime", "1600000000.5"}, {"SCHILY.xattr.user.note", "hi"}});
    w.file("ignored", "long");
    auto result = t.layer(w.finish());

    BOOST_TEST(result.entries == 10u);
    BOOST_TEST(read_file(t.in("etc/passwd")) == "root:x:0:0::/root:/bin/sh\n");
    auto notes = lstat_of(t.in("home/user/notes"));
    BOOST_TEST(notes.st_uid == 1000u);
    BOOST_TEST((notes.st_mode & 07777) == 0600u);
    BOOST_TEST((lstat_of(t.in("")).st_mode & 07777) == 0750u);
    BOOST_TEST(fs::read_symlink(t.in("bin")) == "usr/bin");
    BOOST_TEST(lstat_of(t.in("usr/bin/tool2")).st_ino == lstat_of(t.in("usr/bin/tool")).st_ino);
    BOOST_TEST(S_ISFIFO(lstat_of(t.in("run/fifo")).st_mode));
    BOOST_TEST((lstat_of(t.in("usr")).st_mode & 07777) == 0755u);
    auto deep = lstat_of(t.in(long_name));
    BOOST_TEST(deep.st_mtim.tv_sec == 1600000000);
    BOOST_TEST(deep.st_mtim.tv_nsec == 500000000);
    BOOST_TEST(lstat_of(t.in("etc")).st_mtim.tv_sec == 1700000000); // set after its children
    char note[8] = {};
    BOOST_TEST(::getxattr(t.in(long_name).c_str(), "user.note", note, sizeof note) == 2);
    BOOST_TEST(std::string(note) == "hi");

    std::string record = serialize_records(t.tree);
    BOOST_TEST(record == t.walk());
    BOOST_TEST(contains(record, "{\"path\":\"/usr/bin/tool2\",\"type\":\"file\",\"mode\":\"0755\","
                                "\"uid\":0,\"gid\":0,\"size\":10,\"digest\":\"sha256:"));
    BOOST_TEST(serialize_records(parse_records(record)) == record);
    BOOST_TEST((parse_records(record).files == t.tree.files));
}

BOOST_AUTO_TEST_CASE(whiteouts_and_opaque_directories_across_layers) {
    Target t;
    TarWriter lower;
    lower.file("a/x", "x");
    lower.file("a/y", "y");
    lower.file("b/z", "z");
    lower.file("c/old1", "1");
    lower.file("c/sub/old2", "2");
    lower.file("d/lower", "l");
    lower.file("e", "e");
    t.layer(lower.finish());

    TarWriter upper;
    upper.file("a/.wh.x", "");
    upper.file(".wh.b", "");
    upper.file(".wh.missing", ""); // nothing to remove: fine
    upper.dir("c/");
    upper.file("c/.wh..wh..opq", "");
    upper.file("c/new", "n");
    // Written before the marker in the same layer: the marker hides only
    // what lower layers had, so these stay.
    upper.file("d/kept", "k");
    upper.file("d/.wh..wh..opq", "");
    // A whiteout and an entry of the same name in one layer: the entry stays.
    upper.file("e", "new e");
    upper.file(".wh.e", "");
    auto r = t.layer(upper.finish());
    BOOST_TEST(r.entries == 10u);

    BOOST_TEST(!fs::exists(t.in("a/x")));
    BOOST_TEST(fs::exists(t.in("a/y")));
    BOOST_TEST(!fs::exists(t.in("b")));
    BOOST_TEST(!fs::exists(t.in("c/old1")));
    BOOST_TEST(!fs::exists(t.in("c/sub")));
    BOOST_TEST(read_file(t.in("c/new")) == "n");
    BOOST_TEST(!fs::exists(t.in("d/lower")));
    BOOST_TEST(read_file(t.in("d/kept")) == "k");
    BOOST_TEST(read_file(t.in("e")) == "new e");
    BOOST_TEST(!fs::exists(t.in("a/.wh.x")));
    BOOST_TEST(!fs::exists(t.in("c/.wh..wh..opq")));
    BOOST_TEST(serialize_records(t.tree) == t.walk());
}

BOOST_AUTO_TEST_CASE(a_later_layer_replaces_what_is_there_without_following_it) {
    Target t;
    TarWriter lower;
    lower.symlink("f", t.outside_path("marker"));
    lower.symlink("g", "../outside/marker");
    lower.file("dir/inner", "i");
    lower.file("file", "was a file");
    t.layer(lower.finish());
    TarWriter upper;
    upper.file("f", "replaced the link");
    upper.file("g", "replaced too");
    upper.file("dir", "a file now");
    upper.dir("file/");
    t.layer(upper.finish());
    BOOST_TEST(t.outside() == t.before);
    BOOST_TEST(read_file(t.in("f")) == "replaced the link");
    BOOST_TEST(read_file(t.in("g")) == "replaced too");
    BOOST_TEST(read_file(t.in("dir")) == "a file now");
    BOOST_TEST(fs::is_directory(t.in("file")));
    BOOST_TEST(serialize_records(t.tree) == t.walk());
}

BOOST_AUTO_TEST_CASE(compressed_layers_and_their_diff_ids) {
    Target t;
    TarWriter w;
    w.file("one", std::string(100000, '1'));
    w.file("two", "2");
    write_bytes(t.t.str("layer.tar"), w.finish());
    sh("cd " + t.t.str() + " && gzip -k layer.tar && zstd -q layer.tar");
    std::string want = sha256sum(t.t.str("layer.tar"));

    auto plain = t.layer(read_file(t.t.str("layer.tar")));
    BOOST_TEST(plain.diff_id == want);
    BOOST_TEST(plain.tar_bytes == fs::file_size(t.t.str("layer.tar")));
    auto gz =
        t.layer(read_file(t.t.str("layer.tar.gz")), "application/vnd.oci.image.layer.v1.tar+gzip");
    BOOST_TEST(gz.diff_id == want);
    auto zst =
        t.layer(read_file(t.t.str("layer.tar.zst")), "application/vnd.oci.image.layer.v1.tar+zstd");
    BOOST_TEST(zst.diff_id == want);
    BOOST_TEST(read_file(t.in("one")) == std::string(100000, '1'));

    check_diff_id("sha256:ab", want, zst.diff_id);
    BOOST_TEST(error_of([&] { check_diff_id("sha256:abc", "sha256:111", zst.diff_id); }) ==
               "layer sha256:abc diff_id mismatch (want sha256:111, got " + want + ")");
}

// One table of layer media types (oci.hpp's layer_compression) serves
// verify_image and the unpacker: a type it lacks is refused by both.
BOOST_AUTO_TEST_CASE(refuses_an_unknown_layer_media_type) {
    Target t;
    TarWriter w;
    w.file("one", "1");
    std::string tar = w.finish();
    BOOST_TEST(t.refused(tar, "application/x-tar+bzip2") ==
               "unsupported layer media type \"application/x-tar+bzip2\"");
    BOOST_TEST(t.refused(tar, "application/vnd.oci.image.layer.nondistributable.v1.tar") ==
               "unsupported layer media type "
               "\"application/vnd.oci.image.layer.nondistributable.v1.tar\"");
    auto docker = t.layer(tar, "application/vnd.docker.image.rootfs.diff.tar");
    BOOST_TEST(docker.entries == 1u);
}

BOOST_AUTO_TEST_CASE(refuses_path_traversal) {
    both_ways([](Target& t) {
        TarWriter dots;
        dots.file("../outside/evil", "x");
        BOOST_TEST(t.refused(dots.finish()) ==
                   "tar entry \"../outside/evil\": name has a \"..\" component");
        TarWriter inner;
        inner.file("a/../../outside/evil", "x");
        BOOST_TEST(contains(t.refused(inner.finish()), "has a \"..\" component"));
        TarWriter abs;
        abs.file(t.outside_path("evil"), "x");
        BOOST_TEST(
            contains(t.refused(abs.finish()), "name is an absolute path (refused, not stripped)"));
    });
}

BOOST_AUTO_TEST_CASE(refuses_writing_through_a_symlink) {
    both_ways([](Target& t) {
        TarWriter abs;
        abs.symlink("link", t.outside_path());
        abs.file("link/evil", "x");
        BOOST_TEST(t.refused(abs.finish()) ==
                   "tar entry \"link/evil\": parent \"link\" is a symlink (names are never "
                   "resolved through one)");

        TarWriter rel;
        rel.symlink("up", "../outside");
        rel.file("up/evil", "x");
        BOOST_TEST(contains(t.refused(rel.finish()), "parent \"up\" is a symlink"));

        TarWriter same_name; // the symlink, then a file of the same name
        same_name.symlink("m", t.outside_path("marker"));
        same_name.file("m", "overwritten?");
        BOOST_TEST(contains(t.refused(same_name.finish()),
                            "tar entry \"m\": the layer has this entry twice"));

        // A symlink from a lower layer, a file under it in the next.
        TarWriter lower;
        lower.symlink("low", t.outside_path("dir"));
        t.layer(lower.finish());
        TarWriter upper;
        upper.dir("low/sub/");
        BOOST_TEST(contains(t.refused(upper.finish()), "parent \"low\" is a symlink"));
    });
}

BOOST_AUTO_TEST_CASE(refuses_hardlinks_to_anything_but_files_inside) {
    both_ways([](Target& t) {
        const std::string refused = "only regular files unpacked before it can be linked";
        TarWriter out;
        out.hardlink("h", "../outside/marker");
        BOOST_TEST(contains(t.refused(out.finish()), "hardlink target has a \"..\" component"));
        TarWriter abs;
        abs.hardlink("h", t.outside_path("marker"));
        BOOST_TEST(contains(t.refused(abs.finish()), "hardlink target is an absolute path"));
        TarWriter via_symlink;
        via_symlink.symlink("s", t.outside_path("marker"));
        via_symlink.hardlink("h", "s");
        BOOST_TEST(t.refused(via_symlink.finish()) ==
                   "tar entry \"h\": hardlink to \"s\" refused: " + refused);
        TarWriter to_dir;
        to_dir.dir("d/");
        to_dir.hardlink("h2", "d");
        BOOST_TEST(contains(t.refused(to_dir.finish()), refused));
        TarWriter missing;
        missing.hardlink("h3", "nothing");
        BOOST_TEST(contains(t.refused(missing.finish()), refused));
        TarWriter through;
        through.symlink("sd", t.outside_path());
        through.hardlink("h4", "sd/marker");
        BOOST_TEST(contains(t.refused(through.finish()), refused));
    });
}

BOOST_AUTO_TEST_CASE(refuses_bad_whiteouts) {
    both_ways([](Target& t) {
        TarWriter lower;
        lower.file("a/file", "f");
        t.layer(lower.finish());
        for (std::string name : {".wh..", "a/.wh..", ".wh...", "a/.wh...", ".wh."}) {
            TarWriter w;
            w.file(name, "");
            BOOST_TEST_CONTEXT(name) {
                BOOST_TEST(contains(t.refused(w.finish()), "refused"));
            }
        }
        TarWriter plnk;
        plnk.file(".wh..wh.plnk", "");
        BOOST_TEST(contains(t.refused(plnk.finish()), "unsupported whiteout \".wh..wh.plnk\""));
        BOOST_TEST(read_file(t.in("a/file")) == "f");
    });
}

BOOST_AUTO_TEST_CASE(refuses_duplicate_entries) {
    Target t;
    TarWriter files;
    files.file("a", "1");
    files.file("./a", "2");
    BOOST_TEST(t.refused(files.finish()) == "tar entry \"./a\": the layer has this entry twice");
    TarWriter dirs;
    dirs.dir("d/");
    dirs.dir("d");
    BOOST_TEST(contains(t.refused(dirs.finish()), "the layer has this entry twice"));
    TarWriter whiteouts;
    whiteouts.file(".wh.x", "");
    whiteouts.file(".wh.x", "");
    BOOST_TEST(contains(t.refused(whiteouts.finish()), "the layer has this whiteout twice"));
    TarWriter replace;
    replace.file("p/child", "c");
    replace.file("p", "a file over the dir just written into");
    BOOST_TEST(contains(t.refused(replace.finish()),
                        "replaces a directory the same layer already wrote into"));
}

BOOST_AUTO_TEST_CASE(refuses_what_is_over_the_limits) {
    Target t;
    t.limits.max_entries = 3;
    TarWriter many;
    for (int i = 0; i < 5; ++i)
        many.file("f" + std::to_string(i), "");
    BOOST_TEST(t.refused(many.finish()) == "tar entry \"f3\": more than 3 entries in the image");

    Target p;
    p.limits.max_path = 100;
    TarWriter longer;
    longer.pax({{"path", std::string(60, 'a') + "/" + std::string(60, 'b')}});
    longer.file("x", "");
    BOOST_TEST(contains(p.refused(longer.finish()), "name of 121 bytes is over the limit of 100"));

    Target d;
    d.limits.max_depth = 4;
    TarWriter deep;
    deep.file("1/2/3/4/5", "");
    BOOST_TEST(contains(d.refused(deep.finish()), "name is deeper than 4 components"));

    Target c;
    c.limits.max_content = 1000;
    TarWriter first;
    first.file("a", std::string(600, 'a'));
    c.layer(first.finish());
    TarWriter second; // the cap is over the image, not one layer
    second.file("b", std::string(600, 'b'));
    BOOST_TEST(contains(c.refused(second.finish()),
                        "file content of the image is over the limit of 1000 bytes"));

    Target b;
    b.limits.max_uncompressed = 1 << 20;
    TempDir fixtures;
    write_bytes(fixtures.str("big"), std::string(8 << 20, 'z'));
    sh("cd " + fixtures.str() + " && tar -cf - big | gzip -c > bomb.tar.gz");
    BOOST_TEST(b.refused(read_file(fixtures.str("bomb.tar.gz")),
                         "application/vnd.oci.image.layer.v1.tar+gzip") ==
               "tar entry \"big\": layer is larger than 1048576 bytes uncompressed "
               "(decompression bomb?)");

    Target u;
    TarWriter latin1;
    latin1.file("caf\xe9", "");
    BOOST_TEST(contains(u.refused(latin1.finish()), "name is not valid UTF-8"));
}

BOOST_AUTO_TEST_CASE(device_nodes_setid_bits_and_capabilities_follow_the_options) {
    auto layer = [](const std::string& cap) {
        TarWriter w;
        w.device("dev/null", '3', 1, 3);
        w.device("dev/loop9", '4', 7, 9);
        w.file("bin/su", "su", 04755);
        w.dir("shared/", 02775); // setgid directories are left alone
        w.pax({{"SCHILY.xattr.security.capability", cap}, {"SCHILY.xattr.trusted.x", "t"}});
        w.file("bin/ping", "ping", 0755);
        return w.finish();
    };
    // A v2 capability set: cap_net_raw (13) permitted and effective.
    std::string cap(
        "\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 20);
    {
        Target t; // defaults: devices refused
        BOOST_TEST(t.refused(layer(cap)) ==
                   "tar entry \"dev/null\": device node (char 1:3) refused by policy");
    }
    {
        Target t;
        t.options.devices = Treatment::drop;
        auto r = t.layer(layer(cap));
        BOOST_TEST(r.dropped_devices == 2u);
        BOOST_TEST(r.dropped_setid == 1u);
        BOOST_TEST(r.dropped_capabilities == 1u);
        BOOST_TEST(r.dropped_xattrs == 1u);
        BOOST_TEST(!fs::exists(t.in("dev/null")));
        BOOST_TEST((lstat_of(t.in("bin/su")).st_mode & 07777) == 0755u);
        BOOST_TEST((lstat_of(t.in("shared")).st_mode & 07777) == 02775u);
        BOOST_TEST(::getxattr(t.in("bin/ping").c_str(), "security.capability", nullptr, 0) < 0);
        BOOST_TEST(serialize_records(t.tree) == t.walk());
    }
    {
        Target t;
        t.options = {Treatment::keep, Treatment::keep, Treatment::keep};
        auto r = t.layer(layer(cap));
        BOOST_TEST(r.dropped_devices + r.dropped_setid + r.dropped_capabilities == 0u);
        auto null = lstat_of(t.in("dev/null"));
        BOOST_TEST(S_ISCHR(null.st_mode));
        BOOST_TEST(null.st_rdev == makedev(1, 3));
        BOOST_TEST((null.st_mode & 07777) == 0666u);
        BOOST_TEST(S_ISBLK(lstat_of(t.in("dev/loop9")).st_mode));
        BOOST_TEST((lstat_of(t.in("bin/su")).st_mode & 07777) == 04755u);
        char got[32];
        BOOST_TEST(::getxattr(t.in("bin/ping").c_str(), "security.capability", got, sizeof got) ==
                   20);
        BOOST_TEST(std::string(got, 20) == cap);
        std::string record = serialize_records(t.tree);
        BOOST_TEST(record == t.walk());
        BOOST_TEST(contains(record, "\"type\":\"char\",\"mode\":\"0666\",\"uid\":0,\"gid\":0,"
                                    "\"major\":1,\"minor\":3"));
    }
    {
        Target t;
        t.options = {Treatment::drop, Treatment::refuse, Treatment::drop};
        BOOST_TEST(t.refused(layer(cap)) ==
                   "tar entry \"bin/su\": setuid/setgid file refused by policy");
    }
    {
        Target t;
        t.options = {Treatment::drop, Treatment::drop, Treatment::refuse};
        BOOST_TEST(contains(t.refused(layer(cap)),
                            "file capabilities (security.capability) refused by policy"));
    }
}

BOOST_AUTO_TEST_CASE(a_layer_from_gnu_tar_round_trips) {
    Target t;
    sh("cd " + t.t.str() + " && mkdir -p src/etc src/" + std::string(150, 'l') +
       " && printf pw > src/etc/passwd && chmod 640 src/etc/passwd && chown 12:34 src/etc/passwd" +
       " && ln -s etc/passwd src/pw && ln src/etc/passwd src/hard && printf z > src/" +
       std::string(150, 'l') + "/" + std::string(200, 'f') +
       " && tar --format=posix -C src -cf layer.tar . && rm -rf src/.. 2>/dev/null; true");
    auto r = t.layer(read_file(t.t.str("layer.tar")));
    BOOST_TEST(r.diff_id == sha256sum(t.t.str("layer.tar")));
    BOOST_TEST(serialize_records(t.tree) == t.walk());
    auto pw = lstat_of(t.in("etc/passwd"));
    BOOST_TEST(pw.st_uid == 12u);
    BOOST_TEST(pw.st_gid == 34u);
    BOOST_TEST((pw.st_mode & 07777) == 0640u);
    BOOST_TEST(lstat_of(t.in("hard")).st_ino == pw.st_ino);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(file_records)

BOOST_AUTO_TEST_CASE(parse_is_strict) {
    std::string good = "{\"path\":\"/\",\"type\":\"dir\",\"mode\":\"0755\",\"uid\":0,\"gid\":0}\n";
    BOOST_TEST(parse_records(good).files.size() == 1u);
    BOOST_TEST(error_of([&] { parse_records(good + good); }) ==
               "file record line 2: path \"/\" is out of order or repeated");
    BOOST_TEST(error_of([] {
                   parse_records("{\"path\":\"/\",\"type\":\"dir\",\"mode\":\"755\"}");
               }) == "file record line 1: mode \"755\" is not four octal digits");
    BOOST_TEST(contains(error_of([] {
                            parse_records(
                                "{\"path\":\"/\",\"type\":\"dir\",\"mode\":\"0755\",\"x\":1}");
                        }),
                        "unknown key \"x\""));
    BOOST_TEST(contains(
        error_of([] { parse_records("{\"path\":\"/\",\"type\":\"hardlink\",\"mode\":\"0755\"}"); }),
        "unknown type \"hardlink\""));
}

BOOST_AUTO_TEST_SUITE_END()
