// The OCI document parsers and the layout chain: each malformed field is
// named with its JSON path, index/manifest confusion is refused, and a
// selection that is ambiguous or missing says what the layout holds.
#include "trust_layout_helpers.hpp"
#include "ward/trust/layout.hpp"

#include <boost/test/unit_test.hpp>

using namespace ward;
using namespace ward::trust;
using trust_test::by_tag;
using trust_test::contains;
using trust_test::error_of;
using trust_test::simple_image;
using trust_test::TempLayout;

namespace {

const std::string kD = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const std::string kOciManifest(media::kOciManifest);
const std::string kOciIndex(media::kOciIndex);

std::string desc(const std::string& extra = "") {
    return R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + kD +
           R"(","size":3)" + extra + "}";
}

} // namespace

BOOST_AUTO_TEST_SUITE(trust_layout)

BOOST_AUTO_TEST_CASE(index_fields_are_checked_with_their_path) {
    Index ok =
        parse_index(R"({"schemaVersion":2,"manifests":[)" +
                        desc(R"(,"annotations":{"org.opencontainers.image.ref.name":"v1"},)"
                             R"("platform":{"os":"linux","architecture":"arm64","variant":"v8"})") +
                        "]}",
                    kOciIndex, "index.json");
    BOOST_TEST(ok.manifests.size() == 1u);
    BOOST_TEST(ok.manifests[0].ref_name() == "v1");
    BOOST_TEST(ok.manifests[0].platform->str() == "linux/arm64/v8");

    auto err = [](const std::string& doc) {
        return error_of([&] { parse_index(doc, kOciIndex, "index.json"); });
    };
    BOOST_TEST(err(R"({"schemaVersion":1,"manifests":[]})") ==
               "index.json: schemaVersion: must be 2, got 1");
    BOOST_TEST(err(R"({"schemaVersion":2})") == "index.json: manifests: required field missing");
    BOOST_TEST(err(R"([1])") == "index.json: not a JSON object (got array)");
    BOOST_TEST(
        err(R"({"schemaVersion":2,"manifests":[{"mediaType":"x","digest":"md5:1","size":1}]})") ==
        "index.json: manifests[0].digest: invalid digest \"md5:1\": unsupported algorithm "
        "\"md5\" (only sha256)");
    BOOST_TEST(err(R"({"schemaVersion":2,"manifests":[)" +
                   desc().replace(desc().find("\"size\":3"), 8, "\"size\":-1") + "]}") ==
               "index.json: manifests[0].size: must be a non-negative integer, got -1");
    BOOST_TEST(err(R"({"schemaVersion":2,"manifests":[)" + desc(R"(,"urls":["http://x"])") +
                   "]}") == "index.json: manifests[0].urls: external blob URLs are not supported");
    BOOST_TEST(err(R"({"schemaVersion":2,"manifests":[)" + desc(R"(,"annotations":{"a":1})") +
                   "]}") == "index.json: manifests[0].annotations.a: expected string, got number");
    BOOST_TEST(
        contains(err(R"({"schemaVersion":2,"manifests":[],"manifests":[]})"), "index.json: "));
}

BOOST_AUTO_TEST_CASE(manifest_media_type_must_agree_with_its_descriptor) {
    std::string body = R"("config":)" + desc() + R"(,"layers":[]})";
    std::string with_type = R"({"schemaVersion":2,"mediaType":")" + kOciManifest + "\"," + body;
    BOOST_TEST(parse_manifest(with_type, kOciManifest, "m").media_type == kOciManifest);
    BOOST_TEST(error_of([&] { parse_manifest(with_type, media::kDockerManifest, "m"); }) ==
               "m: mediaType: \"" + kOciManifest +
                   "\" does not match the descriptor's \"application/vnd.docker.distribution."
                   "manifest.v2+json\"");
    // umoci 0.4 writes no mediaType: accepted as OCI only.
    std::string without = R"({"schemaVersion":2,)" + body;
    BOOST_TEST(parse_manifest(without, kOciManifest, "m").media_type == kOciManifest);
    BOOST_TEST(contains(error_of([&] { parse_manifest(without, media::kDockerManifest, "m"); }),
                        "m: mediaType: missing"));
    // A document with both shapes is refused whichever way it is presented.
    std::string both = R"({"schemaVersion":2,"manifests":[],)" + body;
    BOOST_TEST(error_of([&] { parse_manifest(both, kOciManifest, "m"); }) ==
               "m: manifests: present in a document without mediaType: ambiguous index/manifest "
               "refused");
    BOOST_TEST(error_of([&] { parse_index(both, kOciIndex, "i"); }) ==
               "i: config: present in a document without mediaType: ambiguous index/manifest "
               "refused");
}

BOOST_AUTO_TEST_CASE(image_config_fields) {
    ImageConfig c = parse_image_config(
        R"({"os":"linux","architecture":"amd64","config":{"Env":["A=1"],"Entrypoint":null,)"
        R"("Cmd":["sh","-c"],"WorkingDir":"/w","User":"1:2"},"rootfs":{"type":"layers",)"
        R"("diff_ids":[")" +
            kD + R"("]}})",
        "config c");
    BOOST_TEST(c.env == std::vector<std::string>{"A=1"});
    BOOST_TEST(!c.entrypoint.has_value());
    BOOST_TEST((*c.cmd == std::vector<std::string>{"sh", "-c"}));
    BOOST_TEST(c.working_dir == "/w");
    BOOST_TEST(c.user == "1:2");
    BOOST_TEST(c.diff_ids.size() == 1u);
    auto err = [](const std::string& doc) {
        return error_of([&] { parse_image_config(doc, "config c"); });
    };
    std::string head = R"({"os":"linux","architecture":"amd64",)";
    BOOST_TEST(err(head + R"("rootfs":{"type":"x","diff_ids":[]}})") ==
               "config c: rootfs.type: must be \"layers\", got \"x\"");
    BOOST_TEST(err(head + R"("config":{"Env":"A=1"},"rootfs":{"type":"layers","diff_ids":[]}})") ==
               "config c: config.Env: expected array, got string");
    BOOST_TEST(err(head + R"("config":{"Cmd":[1]},"rootfs":{"type":"layers","diff_ids":[]}})") ==
               "config c: config.Cmd[0]: expected string, got number");
    BOOST_TEST(err(head + R"("rootfs":{"type":"layers","diff_ids":[3]}})") ==
               "config c: rootfs.diff_ids[0]: expected string, got number");
    BOOST_TEST(err(R"({"os":"linux","rootfs":{"type":"layers","diff_ids":[]}})") ==
               "config c: architecture: required field missing");
}

BOOST_AUTO_TEST_CASE(media_types_and_platforms) {
    BOOST_TEST((layer_compression(media::kOciLayerZstd) == Compression::zstd));
    BOOST_TEST((layer_compression(media::kDockerLayerGzip) == Compression::gzip));
    BOOST_TEST((layer_compression(media::kOciLayerTar) == Compression::none));
    BOOST_TEST(!layer_compression("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"));
    BOOST_TEST(is_index_type(media::kDockerList));
    BOOST_TEST(!is_manifest_type("application/vnd.docker.distribution.manifest.v1+prettyjws"));
    BOOST_TEST(parse_platform("linux/arm64/v8").variant == "v8");
    BOOST_TEST(contains(error_of([] { parse_platform("linux"); }), "want OS/ARCH[/VARIANT]"));
}

BOOST_AUTO_TEST_CASE(image_references) {
    BOOST_TEST(parse_image_ref("img:v1").tag == "v1");
    BOOST_TEST(parse_image_ref("./a.b/img").layout == "./a.b/img");
    BOOST_TEST(parse_image_ref("./a.b/img").tag.empty());
    ImageRef r = parse_image_ref("/srv/x:y/img:v2");
    BOOST_TEST(r.layout == "/srv/x:y/img");
    BOOST_TEST(r.tag == "v2");
    ImageRef d = parse_image_ref("img@" + kD);
    BOOST_TEST(d.layout == "img");
    BOOST_TEST(d.digest->str() == kD);
    BOOST_TEST(contains(error_of([] { parse_image_ref("img:"); }), "empty tag"));
    BOOST_TEST(contains(error_of([] { parse_image_ref("img@sha256:12"); }), "invalid digest"));
}

BOOST_AUTO_TEST_CASE(chain_verifies_and_reports_the_image) {
    TempLayout l;
    std::string m = simple_image(l);
    l.index(m + R"(,"annotations":{"org.opencontainers.image.ref.name":"v1"}})");
    Layout layout = Layout::open(l.str());
    VerifiedImage img = verify_image(layout, SelectOptions{"v1", {}, {"linux", "amd64", ""}});
    BOOST_TEST(img.ref_name == "v1");
    BOOST_TEST(img.chain.size() == 1u);
    BOOST_TEST(img.layers.size() == 1u);
    BOOST_TEST(img.layers[0].diff_id == sha256("layer bytes"));
    BOOST_TEST(img.config.user == "1:1");
    BOOST_TEST((*img.config.cmd == std::vector<std::string>{"sh"}));
    // The unpacker's reader re-checks the blob.
    VerifyingReader r = layout.blob_reader(img.layers[0].descriptor, "layer");
    r.drain();

    VerifyOptions small;
    small.max_layer_bytes = 5;
    BOOST_TEST(error_of([&] { verify_image(layout, by_tag("v1"), small); }) ==
               "layer " + sha256("layer bytes").short_str() +
                   ": descriptor size 11 is over the limit of 5 bytes");
    BOOST_TEST(error_of([&] { verify_image(layout, by_tag("v2")); }) ==
               "image layout " + l.str() + ": no image tagged \"v2\" (tags: v1)");
    BOOST_TEST(contains(error_of([&] {
                            verify_image(layout, SelectOptions{"v1", {}, {"linux", "arm64", ""}});
                        }),
                        "image is for linux/amd64, want linux/arm64"));
}

BOOST_AUTO_TEST_CASE(selection_must_be_unambiguous) {
    TempLayout l;
    std::string a = simple_image(l, "a");
    std::string b = simple_image(l, "b");
    l.index(a + R"(,"annotations":{"org.opencontainers.image.ref.name":"x"}},)" + b +
            R"(,"annotations":{"org.opencontainers.image.ref.name":"x"}})");
    Layout layout = Layout::open(l.str());
    BOOST_TEST(contains(error_of([&] { verify_image(layout, by_tag("x")); }),
                        "tag \"x\" names more than one object"));
    BOOST_TEST(contains(error_of([&] { verify_image(layout, SelectOptions{}); }),
                        "index.json lists 2 images; name one with :TAG or @sha256:..."));
}

BOOST_AUTO_TEST_CASE(layout_files_are_checked) {
    TempLayout l;
    l.index("");
    TempLayout::write(l.path / "oci-layout", R"({"imageLayoutVersion":"2.0.0"})");
    BOOST_TEST(error_of([&] { Layout::open(l.str()); }) ==
               "image layout " + l.str() +
                   ": oci-layout: imageLayoutVersion must be \"1.0.0\", got \"2.0.0\"");
    std::filesystem::remove(l.path / "oci-layout");
    BOOST_TEST(error_of([&] { Layout::open(l.str()); }) ==
               "image layout " + l.str() + ": open oci-layout: no such file or directory");
}

BOOST_AUTO_TEST_CASE(layer_types_and_counts_are_checked) {
    TempLayout l;
    std::string layer =
        l.blob("L", "application/vnd.oci.image.layer.nondistributable.v1.tar") + "}";
    std::string config =
        l.blob(R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})",
               "application/vnd.oci.image.config.v1+json") +
        "}";
    std::string m = l.blob(
        R"({"schemaVersion":2,"config":)" + config + R"(,"layers":[)" + layer + "]}", kOciManifest);
    l.index(m + "}");
    Layout layout = Layout::open(l.str());
    BOOST_TEST(contains(error_of([&] { verify_image(layout, SelectOptions{}); }),
                        "rootfs.diff_ids lists 0 layers, the manifest 1"));
}

BOOST_AUTO_TEST_SUITE_END()
