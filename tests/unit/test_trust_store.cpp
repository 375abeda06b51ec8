// The pure parts of the image store: names (the full name an image is
// imported under, what the policy's scopes and signatures are compared
// with), sizes as `image ls` shows them, and image.json's round trip and
// strict parse.
#include "trust_layout_helpers.hpp"
#include "ward/trust/store.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <sys/stat.h>

using namespace ward;
using namespace ward::trust;
using trust_test::contains;
using trust_test::error_of;

namespace {

Digest d(char c) {
    return Digest{std::string(64, c)};
}

StoreEntry sample() {
    StoreEntry e;
    e.manifest = d('a');
    e.names = {"localhost/demo:latest", "docker.io/library/busybox:1.36"};
    e.chain = {d('f'), d('a')};
    e.imported = "2026-11-23T08:25:16Z";
    e.size = 12345678901ull;
    e.media_type = "application/vnd.oci.image.manifest.v1+json";
    e.config = d('c');
    e.platform = "linux/amd64";
    e.layers = {{d('1'), "application/vnd.oci.image.layer.v1.tar+gzip", 102, d('2')},
                {d('3'), "application/vnd.oci.image.layer.v1.tar+zstd", 7, d('4')}};
    e.source = "/srv/img:v1";
    Admission a;
    a.scope = "docker.io/library/busybox";
    a.requirement = "sigstoreSigned";
    a.signature = VerifiedSignature{d('f'),
                                    "docker.io/library/busybox",
                                    "/etc/ward/keys/demo.pub",
                                    "signature layer sha256:0123456789ab",
                                    SignatureFormat::simple_signing,
                                    {}};
    e.admission = a;
    e.dropped = {1, 2, 3, 4};
    return e;
}

void same(const StoreEntry& a, const StoreEntry& b) {
    BOOST_TEST(a.manifest.str() == b.manifest.str());
    BOOST_TEST(a.names == b.names);
    BOOST_TEST(a.chain.size() == b.chain.size());
    for (size_t i = 0; i < a.chain.size() && i < b.chain.size(); ++i)
        BOOST_TEST(a.chain[i].str() == b.chain[i].str());
    BOOST_TEST(a.imported == b.imported);
    BOOST_TEST(a.size == b.size);
    BOOST_TEST(a.media_type == b.media_type);
    BOOST_TEST(a.config.str() == b.config.str());
    BOOST_TEST(a.platform == b.platform);
    BOOST_TEST(a.layers.size() == b.layers.size());
    for (size_t i = 0; i < a.layers.size() && i < b.layers.size(); ++i) {
        BOOST_TEST(a.layers[i].digest.str() == b.layers[i].digest.str());
        BOOST_TEST(a.layers[i].media_type == b.layers[i].media_type);
        BOOST_TEST(a.layers[i].size == b.layers[i].size);
        BOOST_TEST(a.layers[i].diff_id.str() == b.layers[i].diff_id.str());
    }
    BOOST_TEST(a.source == b.source);
    BOOST_TEST(a.admission.has_value() == b.admission.has_value());
    if (a.admission && b.admission) {
        BOOST_TEST(a.admission->scope == b.admission->scope);
        BOOST_TEST(a.admission->requirement == b.admission->requirement);
        BOOST_TEST(a.admission->signature.has_value() == b.admission->signature.has_value());
        if (a.admission->signature && b.admission->signature) {
            BOOST_TEST(a.admission->signature->signed_digest.str() ==
                       b.admission->signature->signed_digest.str());
            BOOST_TEST(a.admission->signature->identity == b.admission->signature->identity);
            BOOST_TEST(a.admission->signature->key == b.admission->signature->key);
            BOOST_TEST(a.admission->signature->origin == b.admission->signature->origin);
        }
    }
    BOOST_TEST((a.dropped == b.dropped));
}

} // namespace

BOOST_AUTO_TEST_SUITE(trust_store)

BOOST_AUTO_TEST_CASE(names_are_full_and_tagged) {
    BOOST_TEST(normalize_image_name("localhost/demo") == "localhost/demo:latest");
    BOOST_TEST(normalize_image_name("docker.io/library/busybox:1.36") ==
               "docker.io/library/busybox:1.36");
    BOOST_TEST(normalize_image_name("registry:5000/team/app_x-y.z:v1.2-rc") ==
               "registry:5000/team/app_x-y.z:v1.2-rc");
    BOOST_TEST(error_of([] { normalize_image_name("busybox"); }) ==
               "invalid image name \"busybox\": want a full name HOST/PATH[:TAG], e.g. "
               "localhost/busybox:latest or docker.io/library/busybox:1.36");
    // "library/busybox": the first component is no registry host.
    BOOST_TEST(contains(error_of([] { normalize_image_name("library/busybox"); }),
                        "want a full name HOST/PATH[:TAG]"));
    BOOST_TEST(contains(error_of([] { normalize_image_name("localhost/Demo"); }),
                        "path component \"Demo\" must be lower-case"));
    BOOST_TEST(contains(error_of([] { normalize_image_name("localhost/demo:"); }), "tag \"\""));
    BOOST_TEST(contains(error_of([] { normalize_image_name("localhost/a..b"); }),
                        "path component \"a..b\""));
    BOOST_TEST(contains(error_of([] { normalize_image_name("localhost/demo@sha256:abc"); }),
                        "a name has a tag, not a digest"));
    BOOST_TEST(contains(error_of([] { normalize_image_name("bad_host.io/x"); }),
                        "registry host \"bad_host.io\""));
}

BOOST_AUTO_TEST_CASE(default_names) {
    // A full reference in ref.name is the name.
    BOOST_TEST(default_image_name("/srv/img", "docker.io/library/busybox:1.36") ==
               "docker.io/library/busybox:1.36");
    BOOST_TEST(default_image_name("/srv/img", "docker.io/team/app") == "docker.io/team/app:latest");
    // A plain tag: localhost/<dir>:<tag>, "latest" without one.
    BOOST_TEST(default_image_name("/srv/img", "v1") == "localhost/img:v1");
    BOOST_TEST(default_image_name("/srv/img/", "") == "localhost/img:latest");
    BOOST_TEST(default_image_name("/tmp/busybox.tar", "1.36") == "localhost/busybox:1.36");
    BOOST_TEST(default_image_name("x/app.tar.gz", "") == "localhost/app:latest");
    BOOST_TEST(contains(error_of([] { default_image_name("/srv/My Image", "v1"); }),
                        "default name from \"/srv/My Image\" (use --name)"));
}

BOOST_AUTO_TEST_CASE(sizes_as_podman_shows_them) {
    BOOST_TEST(human_size(0) == "0 B");
    BOOST_TEST(human_size(28) == "28 B");
    BOOST_TEST(human_size(1000) == "1 kB");
    BOOST_TEST(human_size(12345678) == "12.3 MB");
    BOOST_TEST(human_size(999999) == "1 MB"); // not "1e+03 kB"
    BOOST_TEST(human_size(5'840'000'000ull) == "5.84 GB");
}

BOOST_AUTO_TEST_CASE(store_root_selection) {
    ::unsetenv("WARD_STORE");
    BOOST_TEST(store_root("") == "/var/lib/ward");
    BOOST_TEST(store_root("/srv/store/") == "/srv/store");
    ::setenv("WARD_STORE", "/srv/env-store", 1);
    BOOST_TEST(store_root("") == "/srv/env-store");
    BOOST_TEST(store_root("/srv/flag") == "/srv/flag");
    ::unsetenv("WARD_STORE");
    BOOST_TEST(store_root("rel").front() == '/');
}

BOOST_AUTO_TEST_CASE(image_json_round_trip) {
    StoreEntry e = sample();
    std::string text = serialize_image_json(e);
    StoreEntry back = parse_image_json(text, "image.json");
    same(e, back);
    BOOST_TEST(serialize_image_json(back) == text);

    // No trust section at import: admission null, and back.
    e.admission.reset();
    e.names.clear();
    back = parse_image_json(serialize_image_json(e), "image.json");
    same(e, back);
    // Admitted without a signature (insecureAcceptAnything).
    Admission open;
    open.scope = "default";
    open.requirement = "insecureAcceptAnything";
    e.admission = open;
    same(e, parse_image_json(serialize_image_json(e), "image.json"));
}

BOOST_AUTO_TEST_CASE(image_json_parse_is_strict) {
    std::string text = serialize_image_json(sample());
    auto without = [&](const std::string& key) {
        auto at = text.find("\"" + key + "\"");
        auto end = text.find('\n', at);
        return text.substr(0, at) + text.substr(end + 1);
    };
    BOOST_TEST(error_of([&] { parse_image_json(without("source"), "x/image.json"); }) ==
               "x/image.json: source: missing");
    std::string bad = text;
    bad.replace(bad.find("sha256:cccc"), 11, "sha256:CCCC");
    BOOST_TEST(contains(error_of([&] { parse_image_json(bad, "x/image.json"); }),
                        "x/image.json: config: invalid digest"));
    // The chain must end with the manifest (its last occurrence in the text).
    std::string chain = text;
    chain.replace(chain.rfind("\"sha256:aaaa"), 12, "\"sha256:bbbb");
    BOOST_TEST(error_of([&] { parse_image_json(chain, "x"); }) ==
               "x: chain: must end with the manifest digest");
    BOOST_TEST(contains(error_of([] { parse_image_json("[]", "x"); }), "not a JSON object"));
}

// Who may change the store is checked at every open, reading too: a store
// that someone else can write to (or rename away, from a directory above
// it) vouches for nothing.
BOOST_AUTO_TEST_CASE(store_open_checks_who_can_change_it) {
    char tmpl[] = "/tmp/ward-store-owners-XXXXXX";
    std::string base = ::mkdtemp(tmpl);
    std::string parent = base + "/parent";
    std::string root = parent + "/store";
    BOOST_REQUIRE(::mkdir(parent.c_str(), 0755) == 0);
    BOOST_REQUIRE(::mkdir(root.c_str(), 0700) == 0);

    BOOST_CHECK_NO_THROW(Store::open(root, false));
    BOOST_CHECK_NO_THROW(Store::open(base + "/absent", false)); // nothing there to trust

    ::chmod(root.c_str(), 0770);
    BOOST_TEST(contains(error_of([&] { Store::open(root, false); }),
                        "writable by it alone (mode 0700); it is uid"));
    ::chmod(root.c_str(), 0700);

    // A directory above it that others may write to, unless sticky.
    ::chmod(parent.c_str(), 0777);
    BOOST_TEST(contains(error_of([&] { Store::open(root, false); }),
                        "a directory above it (1 up) is uid"));
    BOOST_TEST(contains(error_of([&] { Store::open(root, true); }), "a directory above it"));
    ::chmod(parent.c_str(), 01777);
    BOOST_CHECK_NO_THROW(Store::open(root, false));

    std::filesystem::remove_all(base);
}

BOOST_AUTO_TEST_SUITE_END()
