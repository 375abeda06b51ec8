// The tar reader: what real tools write reads back exactly, and every kind
// of malformed header is refused with a message naming what is wrong.
#include "tar_writer.hpp"
#include "trust_helpers.hpp"
#include "ward/trust/digest.hpp"
#include "ward/trust/tar_reader.hpp"

#include <boost/test/unit_test.hpp>
#include <vector>

using namespace ward;
using namespace ward::trust;
using namespace ward::test;

namespace {

struct Read {
    TarEntry entry;
    std::string content;
};

std::vector<Read> read_all(const std::string& tar, TarLimits limits = {},
                           std::string* digest = nullptr) {
    MemorySource src(tar);
    Sha256 sink;
    TarReader r(src, &sink, limits);
    std::vector<Read> out;
    TarEntry e;
    while (r.next(e)) {
        Read item{e, ""};
        char buf[100];
        size_t n;
        while ((n = r.read(buf, sizeof buf)) > 0)
            item.content.append(buf, n);
        out.push_back(std::move(item));
    }
    BOOST_TEST(r.offset() == tar.size());
    if (digest)
        *digest = sink.finish().str();
    return out;
}

std::string read_error(const std::string& tar, TarLimits limits = {}) {
    return error_of([&] { read_all(tar, limits); });
}

} // namespace

BOOST_AUTO_TEST_SUITE(tar_reader)

BOOST_AUTO_TEST_CASE(reads_every_entry_kind_with_its_metadata) {
    TarWriter w;
    w.dir("etc/", 0755);
    w.file("etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0644, 0, 0);
    w.file("bin/tool", "#!/bin/sh\n", 04755, 1000, 1001);
    w.symlink("bin/sh", "/bin/busybox");
    w.hardlink("bin/tool2", "bin/tool");
    w.device("dev/null", '3', 1, 3);
    w.device("dev/sda", '4', 8, 0);
    TarHeader fifo;
    fifo.name = "run/fifo";
    fifo.type = '6';
    w.entry(fifo);
    auto all = read_all(w.finish());
    BOOST_REQUIRE(all.size() == 8u);
    BOOST_TEST(all[0].entry.path == "etc/");
    BOOST_TEST((all[0].entry.type == EntryType::directory));
    BOOST_TEST(all[1].content == "root:x:0:0::/root:/bin/sh\n");
    BOOST_TEST(all[2].entry.mode == 04755u);
    BOOST_TEST(all[2].entry.uid == 1000u);
    BOOST_TEST(all[2].entry.gid == 1001u);
    BOOST_TEST(all[2].entry.mtime == 1700000000);
    BOOST_TEST((all[3].entry.type == EntryType::symlink));
    BOOST_TEST(all[3].entry.link_target == "/bin/busybox");
    BOOST_TEST((all[4].entry.type == EntryType::hardlink));
    BOOST_TEST(all[4].entry.link_target == "bin/tool");
    BOOST_TEST((all[5].entry.type == EntryType::char_device));
    BOOST_TEST(all[5].entry.dev_major == 1u);
    BOOST_TEST(all[5].entry.dev_minor == 3u);
    BOOST_TEST((all[6].entry.type == EntryType::block_device));
    BOOST_TEST((all[7].entry.type == EntryType::fifo));
}

BOOST_AUTO_TEST_CASE(skips_content_the_caller_does_not_read) {
    TarWriter w;
    w.file("a", std::string(5000, 'a'));
    w.file("b", "bee");
    std::string tar = w.finish();
    MemorySource src(tar);
    TarReader r(src, nullptr);
    TarEntry e;
    BOOST_REQUIRE(r.next(e));
    BOOST_REQUIRE(r.next(e));
    BOOST_TEST(e.path == "b");
    char buf[8] = {};
    BOOST_TEST(r.read(buf, sizeof buf) == 3u);
    BOOST_TEST(std::string(buf) == "bee");
    BOOST_TEST(!r.next(e));
}

BOOST_AUTO_TEST_CASE(pax_records_override_the_header) {
    std::string long_name = std::string(150, 'd') + "/" + std::string(120, 'f');
    TarWriter w;
    w.pax({{"path", long_name},
           {"uid", "4000000"},
           {"gid", "70000"},
           {"mtime", "1700000001.25"},
           {"SCHILY.xattr.user.note", std::string("a\0b", 3)},
           {"SCHILY.xattr.security.capability", "\x01\x02"},
           {"atime", "1.5"},
           {"uname", "someone"}});
    w.file("short", "content");
    w.pax({{"linkpath", std::string(200, 'l')}});
    w.symlink("s", "x");
    auto all = read_all(w.finish());
    BOOST_REQUIRE(all.size() == 2u);
    BOOST_TEST(all[0].entry.path == long_name);
    BOOST_TEST(all[0].entry.uid == 4000000u);
    BOOST_TEST(all[0].entry.gid == 70000u);
    BOOST_TEST(all[0].entry.mtime == 1700000001);
    BOOST_TEST(all[0].entry.mtime_nsec == 250000000u);
    BOOST_TEST(all[0].entry.xattrs.at("user.note") == std::string("a\0b", 3));
    BOOST_TEST(all[0].entry.xattrs.at("security.capability") == "\x01\x02");
    BOOST_TEST(all[0].content == "content");
    BOOST_TEST(all[1].entry.link_target == std::string(200, 'l'));
}

BOOST_AUTO_TEST_CASE(pax_global_headers_apply_to_later_entries) {
    TarWriter w;
    w.file("before", "");
    w.pax({{"uid", "42"}}, 'g');
    w.file("after1", "");
    w.pax({{"uid", "43"}});
    w.file("after2", "");
    auto all = read_all(w.finish());
    BOOST_REQUIRE(all.size() == 3u);
    BOOST_TEST(all[0].entry.uid == 0u);
    BOOST_TEST(all[1].entry.uid == 42u);
    BOOST_TEST(all[2].entry.uid == 43u);
}

// Global records stay in force for the rest of the stream, so their
// number and size are capped however they arrive: many small headers with
// new keys, or one big one. Cancelled records (empty value) leave room.
BOOST_AUTO_TEST_CASE(pax_global_headers_are_bounded) {
    TarWriter many;
    for (int i = 0; i < 65; ++i)
        many.pax({{"vendor.key" + std::to_string(i), "v"}}, 'g');
    many.file("a", "");
    BOOST_TEST(contains(read_error(many.finish()),
                        ": PAX global headers: 65 records in force is over the limit of 64"));

    TarWriter big;
    for (int i = 0; i < 5; ++i)
        big.pax({{"comment" + std::to_string(i), std::string(15000, 'c')}}, 'g');
    big.file("a", "");
    BOOST_TEST(contains(read_error(big.finish()), ": PAX global headers: 75040 bytes of records "
                                                  "in force is over the limit of 65536"));

    TarLimits small;
    small.max_global_records = 2;
    small.max_global_bytes = 100;
    TarWriter replaced;
    for (int i = 0; i < 100; ++i) {
        replaced.pax({{"comment", std::string(40, 'c')}, {"uid", std::to_string(i)}}, 'g');
        replaced.pax({{"uid", ""}}, 'g'); // cancelled: one record left in force
    }
    replaced.pax({{"gid", "7"}}, 'g');
    replaced.file("a", "");
    auto all = read_all(replaced.finish(), small);
    BOOST_REQUIRE(all.size() == 1u);
    BOOST_TEST(all[0].entry.uid == 0u);
    BOOST_TEST(all[0].entry.gid == 7u);

    TarWriter third;
    third.pax({{"comment", "c"}, {"gid", "7"}}, 'g');
    third.pax({{"uid", "1"}}, 'g');
    third.file("a", "");
    BOOST_TEST(contains(read_error(third.finish(), small),
                        "offset 1024: PAX global headers: 3 records in force is over the limit "
                        "of 2"));
}

// An entry's own record wins over a global one of the same key, and an
// empty own record cancels it.
BOOST_AUTO_TEST_CASE(own_pax_records_override_global_ones) {
    TarWriter w;
    w.pax({{"uid", "42"}, {"gid", "43"}, {"SCHILY.xattr.user.a", "g"}}, 'g');
    w.pax({{"uid", "7"}, {"gid", ""}, {"SCHILY.xattr.user.a", "own"}});
    w.file("a", "");
    w.file("b", "");
    auto all = read_all(w.finish());
    BOOST_REQUIRE(all.size() == 2u);
    BOOST_TEST(all[0].entry.uid == 7u);
    BOOST_TEST(all[0].entry.gid == 0u);
    BOOST_TEST(all[0].entry.xattrs.at("user.a") == "own");
    BOOST_TEST(all[1].entry.uid == 42u);
    BOOST_TEST(all[1].entry.gid == 43u);
    BOOST_TEST(all[1].entry.xattrs.at("user.a") == "g");
}

BOOST_AUTO_TEST_CASE(gnu_long_names_and_links) {
    std::string name = "x/" + std::string(300, 'n');
    std::string link = std::string(250, 't');
    TarWriter w;
    w.gnu_long('L', name);
    w.gnu_long('K', link);
    w.symlink("trunc", "trunc");
    auto all = read_all(w.finish());
    BOOST_REQUIRE(all.size() == 1u);
    BOOST_TEST(all[0].entry.path == name);
    BOOST_TEST(all[0].entry.link_target == link);
}

BOOST_AUTO_TEST_CASE(ustar_prefix_and_base256_numbers) {
    TarWriter w;
    TarHeader h;
    h.prefix = "some/prefix";
    h.name = "name";
    h.size = 3;
    std::string block = TarWriter::header_block(h);
    // uid as GNU base-256: 0x80 then big-endian 5000000000 does not fit a
    // uid, so use 3000000000 (past octal's 7 digits).
    std::string uid(8, '\0');
    uid[0] = '\x80';
    uint64_t v = 3000000000u;
    for (int i = 7; i >= 1; --i, v >>= 8)
        uid[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
    block.replace(108, 8, uid);
    TarWriter::fix_checksum(block);
    w.raw(block + "abc" + std::string(509, '\0'));
    auto all = read_all(w.finish());
    BOOST_REQUIRE(all.size() == 1u);
    BOOST_TEST(all[0].entry.path == "some/prefix/name");
    BOOST_TEST(all[0].entry.uid == 3000000000u);
    BOOST_TEST(all[0].content == "abc");
}

// Archives written by GNU tar and by Python's tarfile (PAX and GNU
// formats), long names included, read back with the same names, contents,
// and the diff_id sha256sum(1) computes over the file.
BOOST_AUTO_TEST_CASE(archives_from_real_tools) {
    TempDir t;
    std::string long_dir = std::string(120, 'd');
    std::string long_file = std::string(130, 'f');
    sh("cd " + t.str() + " && mkdir -p src/" + long_dir + " && printf hello > src/" + long_dir +
       "/" + long_file + " && ln -s " + long_file + " src/" + long_dir +
       "/link && printf x > src/plain");
    struct Maker {
        std::string name, cmd;
    };
    std::vector<Maker> makers = {
        {"gnutar-gnu", "tar --format=gnu -C src -cf out.tar ."},
        {"gnutar-posix", "tar --format=posix -C src -cf out.tar ."},
        {"python-pax", "/usr/bin/python3 -c \"import tarfile; t=tarfile.open('out.tar','w',format="
                       "tarfile.PAX_FORMAT); t.add('src', arcname='.'); t.close()\""},
        {"python-gnu", "/usr/bin/python3 -c \"import tarfile; t=tarfile.open('out.tar','w',format="
                       "tarfile.GNU_FORMAT); t.add('src', arcname='.'); t.close()\""},
    };
    for (auto& m : makers) {
        BOOST_TEST_CONTEXT(m.name) {
            sh("cd " + t.str() + " && rm -f out.tar && " + m.cmd);
            std::string tar = read_file(t.str("out.tar"));
            std::string digest;
            auto all = read_all(tar, {}, &digest);
            BOOST_TEST(digest == sha256sum(t.str("out.tar")));
            bool found_file = false, found_link = false;
            for (auto& r : all) {
                std::string p = r.entry.path;
                if (p.size() > 2 && p.substr(0, 2) == "./")
                    p = p.substr(2);
                if (p == long_dir + "/" + long_file) {
                    found_file = true;
                    BOOST_TEST(r.content == "hello");
                }
                if (p == long_dir + "/link") {
                    found_link = true;
                    BOOST_TEST(r.entry.link_target == long_file);
                }
            }
            BOOST_TEST(found_file);
            BOOST_TEST(found_link);
        }
    }
}

BOOST_AUTO_TEST_CASE(refuses_a_bad_checksum) {
    TarWriter w;
    w.file("a", "x");
    std::string tar = w.finish();
    tar[0] = 'b'; // name changed, checksum not
    BOOST_TEST(contains(read_error(tar), "tar header at offset 0: checksum mismatch"));
}

BOOST_AUTO_TEST_CASE(refuses_garbage_in_number_fields) {
    TarWriter w;
    TarHeader h;
    h.name = "a";
    std::string block = TarWriter::header_block(h);
    block.replace(124, 11, "0000000009x");
    TarWriter::fix_checksum(block);
    w.raw(block);
    BOOST_TEST(contains(read_error(w.finish()), "size field is not a number"));

    TarWriter neg;
    block = TarWriter::header_block(h);
    block.replace(108, 8, std::string(8, '\xff')); // negative base-256 uid
    TarWriter::fix_checksum(block);
    neg.raw(block);
    BOOST_TEST(contains(read_error(neg.finish()), "uid or gid field is not valid"));
}

BOOST_AUTO_TEST_CASE(refuses_unknown_kinds_of_header) {
    for (char type : {'S', 'V', 'M', 'D', 'A'}) {
        TarWriter w;
        TarHeader h;
        h.name = "a";
        h.type = type;
        w.entry(h);
        BOOST_TEST(
            contains(read_error(w.finish()), std::string("unsupported entry type '") + type + "'"));
    }
    TarWriter v7;
    TarHeader h;
    h.name = "a";
    h.no_magic = true;
    v7.entry(h);
    BOOST_TEST(contains(read_error(v7.finish()), "not a ustar, PAX or GNU header"));

    TarWriter sparse;
    sparse.pax({{"GNU.sparse.major", "1"}});
    sparse.file("a", "");
    BOOST_TEST(contains(read_error(sparse.finish()), "sparse files are not supported"));
}

BOOST_AUTO_TEST_CASE(refuses_malformed_pax_records) {
    for (std::string data : {"5 a=b\n", "99 path=x\n", "x path=y\n", "9 =value\n", "8 path=x"}) {
        TarWriter w;
        TarHeader h;
        h.name = "pax";
        h.type = 'x';
        h.size = data.size();
        w.entry(h, data);
        w.file("a", "");
        BOOST_TEST_CONTEXT(data) {
            BOOST_TEST(contains(read_error(w.finish()), "malformed PAX record"));
        }
    }
    TarWriter bad_uid;
    bad_uid.pax({{"uid", "-1"}});
    bad_uid.file("a", "");
    BOOST_TEST(contains(read_error(bad_uid.finish()), "PAX uid \"-1\" is not a valid number"));
}

BOOST_AUTO_TEST_CASE(refuses_a_truncated_or_padded_stream) {
    TarWriter w;
    w.file("a", std::string(1000, 'a'));
    std::string whole = w.finish();
    BOOST_TEST(contains(read_error(whole.substr(0, 700)), "truncated layer"));
    // No end-of-archive block (or no padding either) after a whole entry:
    // an ending, as Go's archive/tar reads it (umoci 0.4.7 writes such layers).
    BOOST_TEST(read_all(whole.substr(0, 1536)).size() == 1u);
    BOOST_TEST(read_all(whole.substr(0, 512 + 1000))[0].content == std::string(1000, 'a'));
    BOOST_TEST(
        contains(read_error(whole.substr(0, 512 + 1000 + 10)), "middle of an entry's padding"));
    BOOST_TEST(contains(read_error(whole.substr(0, 512 + 999)), "truncated layer"));
    BOOST_TEST(contains(read_error(whole.substr(0, 300)), "middle of a header"));
    std::string trailing = whole + "garbage";
    BOOST_TEST(contains(read_error(trailing), "data after the end-of-archive block"));
    // One zero block and nothing else is a complete (if short) ending.
    BOOST_TEST(read_all(whole.substr(0, 1536 + 512)).size() == 1u);
}

BOOST_AUTO_TEST_CASE(caps_sizes_and_names) {
    TarLimits small;
    small.max_path = 64;
    small.max_extended_header = 1024;
    small.max_entry_size = 100;

    TarWriter long_name;
    long_name.pax({{"path", std::string(65, 'p')}});
    long_name.file("a", "");
    BOOST_TEST(contains(read_error(long_name.finish(), small),
                        "name of 65 bytes is over the limit of 64"));

    TarWriter big_pax;
    big_pax.pax({{"comment", std::string(2000, 'c')}});
    big_pax.file("a", "");
    BOOST_TEST(contains(read_error(big_pax.finish(), small), "is over the limit of 1024"));

    TarWriter big_file;
    big_file.file("a", std::string(101, 'x'));
    BOOST_TEST(contains(read_error(big_file.finish(), small),
                        "tar entry \"a\": size 101 is over the limit of 100 bytes"));

    TarWriter gnu;
    gnu.gnu_long('L', std::string(65, 'g'));
    gnu.file("a", "");
    BOOST_TEST(contains(read_error(gnu.finish(), small), "GNU long name of 65 bytes"));
}

BOOST_AUTO_TEST_CASE(refuses_content_on_entries_that_have_none) {
    TarWriter w;
    TarHeader h;
    h.name = "d/";
    h.type = '5';
    h.size = 10;
    w.entry(h, std::string(10, 'x'));
    BOOST_TEST(contains(read_error(w.finish()), "a dir entry with 10 bytes of content"));
}

BOOST_AUTO_TEST_SUITE_END()
