// Reading an OCI image layout and walking its verification chain.
#include "ward/trust/layout.hpp"

#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/json/json.hpp"

#include <fcntl.h>
#include <sys/stat.h>

namespace ward::trust {
namespace {

// Indexes may nest (a multi-platform index inside a tagged one); content
// addressing makes a cycle impossible, the limit bounds the work anyway.
constexpr int kMaxIndexDepth = 8;

UniqueFd open_component(int dir, const char* name, int flags, const std::string& what) {
    UniqueFd fd(::openat(dir, name, flags | O_CLOEXEC | O_NOFOLLOW));
    if (!fd)
        fail_errno(what + ": open " + name);
    return fd;
}

std::string describe(const Descriptor& d) {
    if (is_index_type(d.media_type))
        return "index " + d.digest.short_str();
    return "manifest " + d.digest.short_str();
}

std::vector<std::string> tags_of(const Index& index) {
    std::vector<std::string> tags;
    for (const auto& d : index.manifests)
        if (!d.ref_name().empty() && !is_signature_entry(d))
            tags.push_back(d.ref_name());
    return tags;
}

std::string tag_list(const Index& index) {
    auto tags = tags_of(index);
    return tags.empty() ? "no tags" : "tags: " + join(tags, ", ");
}

bool platform_matches(const Platform& have, const Platform& want) {
    return have.os == want.os && have.architecture == want.architecture &&
           (want.variant.empty() || have.variant == want.variant);
}

// Walks down from `d` (a manifest or an index) to the manifest, appending
// each digest to `chain`. Returns the manifest descriptor.
Descriptor resolve_manifest(const Layout& layout, Descriptor d, const Platform& platform,
                            std::vector<Digest>& chain) {
    for (int depth = 0;; ++depth) {
        chain.push_back(d.digest);
        if (is_manifest_type(d.media_type))
            return d;
        if (!is_index_type(d.media_type))
            fail(describe(d) + ": unsupported media type " + quote(d.media_type) +
                 " (want an OCI or Docker schema 2 manifest or index)");
        if (depth >= kMaxIndexDepth)
            fail(describe(d) + ": indexes nested deeper than " + std::to_string(kMaxIndexDepth));
        std::string what = describe(d);
        Index nested = parse_index(layout.read_json_blob(d, what), d.media_type, what);
        const Descriptor* pick = nullptr;
        std::vector<std::string> have;
        for (const auto& entry : nested.manifests) {
            if (!entry.platform)
                continue;
            have.push_back(entry.platform->str());
            if (!pick && platform_matches(*entry.platform, platform))
                pick = &entry;
        }
        if (!pick)
            fail(what + ": no manifest for platform " + platform.str() +
                 " (has: " + (have.empty() ? "none" : join(have, ", ")) + ")");
        d = *pick;
    }
}

// Finds `digest` below the index entries, for @sha256 of a manifest inside
// a multi-platform index. Everything read on the way is verified.
std::optional<Descriptor> find_nested(const Layout& layout, const Descriptor& d,
                                      const Digest& digest, int depth) {
    if (!is_index_type(d.media_type) || depth >= kMaxIndexDepth)
        return std::nullopt;
    std::string what = describe(d);
    Index nested = parse_index(layout.read_json_blob(d, what), d.media_type, what);
    for (const auto& entry : nested.manifests) {
        if (entry.digest == digest)
            return entry;
        if (auto found = find_nested(layout, entry, digest, depth + 1))
            return found;
    }
    return std::nullopt;
}

} // namespace

std::string ImageRef::str() const {
    if (digest)
        return layout + "@" + digest->str();
    return tag.empty() ? layout : layout + ":" + tag;
}

ImageRef parse_image_ref(std::string_view text) {
    ImageRef ref;
    if (auto at = text.rfind('@');
        at != std::string_view::npos && text.substr(at + 1).find('/') == std::string_view::npos) {
        ref.layout = std::string(text.substr(0, at));
        ref.digest = with_context("image reference " + quote(text),
                                  [&] { return parse_digest(text.substr(at + 1)); });
    } else {
        auto slash = text.rfind('/');
        auto colon = text.rfind(':');
        if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
            ref.layout = std::string(text.substr(0, colon));
            ref.tag = std::string(text.substr(colon + 1));
            if (ref.tag.empty())
                fail("image reference " + quote(text) + ": empty tag after ':'");
        } else {
            ref.layout = std::string(text);
        }
    }
    if (ref.layout.empty())
        fail("image reference " + quote(text) + ": no layout directory");
    return ref;
}

bool is_signature_entry(const Descriptor& d) {
    std::string name = d.ref_name();
    if (starts_with(name, "sha256-") && (name.ends_with(".sig") || name.ends_with(".att")))
        return true;
    // OCI 1.1 referrers: the fallback tag sha256-<hex>, or a Sigstore bundle
    // manifest listed by itself (cosign v3).
    if (starts_with(name, "sha256-") && name.size() == 7 + 64)
        return true;
    if (d.artifact_type == media::kSigstoreBundle ||
        d.annotations.count("dev.sigstore.bundle.content"))
        return true;
    auto kind = d.annotations.find("kind");
    return kind != d.annotations.end() && (kind->second == "dev.cosignproject.cosign/sigs" ||
                                           kind->second == "dev.cosignproject.cosign/atts");
}

Layout Layout::open(const std::string& path) {
    Layout l;
    l.path_ = path;
    std::string what = "image layout " + path;
    l.dir_ = UniqueFd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!l.dir_) {
        int err = errno;
        struct stat st {};
        // An oci-archive is extracted by its caller (archive.hpp) and the
        // directory opened here; only `image import` does that so far.
        if (err == ENOTDIR && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode))
            fail(what + ": a file, not a layout directory (an oci-archive is read by "
                        "`ward image import`; here, extract it and name the directory)");
        fail_errno(what + ": open", err);
    }
    {
        UniqueFd fd = open_component(l.dir_.get(), "oci-layout", O_RDONLY | O_NONBLOCK, what);
        json::Value doc = with_context(what + ": oci-layout", [&] {
            return json::parse(read_capped(fd.get(), 64 << 10, "oci-layout"));
        });
        const json::Value* version = doc.is_object() ? doc.find("imageLayoutVersion") : nullptr;
        if (!version || !version->is_string() || version->as_string() != "1.0.0")
            fail(what + ": oci-layout: imageLayoutVersion must be \"1.0.0\"" +
                 (version ? ", got " + json::serialize(*version) : ", missing"));
    }
    UniqueFd fd = open_component(l.dir_.get(), "index.json", O_RDONLY | O_NONBLOCK, what);
    struct stat st {};
    if (::fstat(fd.get(), &st) < 0 || !S_ISREG(st.st_mode))
        fail(what + ": index.json is not a regular file");
    std::string bytes = read_capped(fd.get(), kMaxJsonBytes, what + ": index.json");
    l.index_ = parse_index(bytes, media::kOciIndex, what + ": index.json");
    return l;
}

UniqueFd Layout::open_blob(const Digest& digest, const std::string& what) const {
    // One component at a time with O_NOFOLLOW: a blob is a plain file in
    // the layout, never a link to somewhere else on the host.
    UniqueFd blobs = open_component(dir_.get(), "blobs", O_RDONLY | O_DIRECTORY, what);
    UniqueFd algo = open_component(blobs.get(), "sha256", O_RDONLY | O_DIRECTORY, what);
    UniqueFd fd(
        ::openat(algo.get(), digest.hex.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    if (!fd)
        fail_errno(what + ": open blob " + digest.str());
    struct stat st {};
    if (::fstat(fd.get(), &st) < 0 || !S_ISREG(st.st_mode))
        fail(what + ": blob " + digest.str() + " is not a regular file");
    return fd;
}

std::string Layout::read_json_blob(const Descriptor& d, const std::string& what) const {
    return read_verified(open_blob(d.digest, what), d.blob(), kMaxJsonBytes, what);
}

VerifyingReader Layout::blob_reader(const Descriptor& d, const std::string& what) const {
    return VerifyingReader(open_blob(d.digest, what), d.blob(), what);
}

const Descriptor& select_top(const Layout& layout, const SelectOptions& select) {
    const Index& index = layout.index();
    std::string where = "image layout " + layout.path();
    if (select.digest) {
        for (const auto& d : index.manifests)
            if (d.digest == *select.digest)
                return d;
        fail(where + ": no index.json entry has digest " + select.digest->str());
    }
    const Descriptor* found = nullptr;
    size_t images = 0;
    for (const auto& d : index.manifests) {
        if (!select.tag.empty()) {
            if (d.ref_name() != select.tag)
                continue;
            if (found && found->digest != d.digest)
                fail(where + ": tag " + quote(select.tag) + " names more than one object (" +
                     found->digest.str() + ", " + d.digest.str() + ")");
            found = &d;
        } else if (!is_signature_entry(d)) {
            found = found ? found : &d;
            ++images;
        }
    }
    if (!select.tag.empty() && !found)
        fail(where + ": no image tagged " + quote(select.tag) + " (" + tag_list(index) + ")");
    if (!found)
        fail(where + ": index.json lists no image");
    if (images > 1)
        fail(where + ": index.json lists " + std::to_string(images) +
             " images; name one with :TAG or @sha256:... (" + tag_list(index) + ")");
    return *found;
}

VerifiedImage verify_image(const Layout& layout, const SelectOptions& select,
                           const VerifyOptions& options) {
    VerifiedImage img;
    Descriptor top;
    try {
        top = select_top(layout, select);
    } catch (const Error&) {
        // @sha256 of a manifest inside a nested index: search below.
        if (!select.digest)
            throw;
        std::optional<Descriptor> found;
        for (const auto& d : layout.index().manifests)
            if (!found)
                found = find_nested(layout, d, *select.digest, 0);
        if (!found)
            throw;
        top = *found;
    }
    img.ref_name = top.ref_name();
    img.manifest = resolve_manifest(layout, top, select.platform, img.chain);

    std::string what = "manifest " + img.manifest.digest.short_str();
    img.manifest_bytes = layout.read_json_blob(img.manifest, what);
    img.manifest_doc = parse_manifest(img.manifest_bytes, img.manifest.media_type, what);
    const Manifest& m = img.manifest_doc;

    img.config_descriptor = m.config;
    std::string config_what = "config " + m.config.digest.short_str();
    if (m.config.media_type != media::kOciConfig && m.config.media_type != media::kDockerConfig)
        fail(what + ": config.mediaType " + quote(m.config.media_type) +
             " is not a container image config");
    img.config_bytes = layout.read_json_blob(m.config, config_what);
    img.config = parse_image_config(img.config_bytes, config_what);
    Platform have{img.config.os, img.config.architecture, ""};
    if (!platform_matches(have, Platform{select.platform.os, select.platform.architecture, ""}))
        fail(config_what + ": image is for " + have.str() + ", want " + select.platform.str());
    if (img.config.diff_ids.size() != m.layers.size())
        fail(config_what + ": rootfs.diff_ids lists " + std::to_string(img.config.diff_ids.size()) +
             " layers, the manifest " + std::to_string(m.layers.size()));

    for (size_t i = 0; i < m.layers.size(); ++i) {
        const Descriptor& d = m.layers[i];
        std::string layer_what = "layer " + d.digest.short_str();
        auto compression = layer_compression(d.media_type);
        if (!compression)
            fail(what + ": layers[" + std::to_string(i) + "] (" + layer_what +
                 "): unsupported media type " + quote(d.media_type));
        if (d.size > options.max_layer_bytes)
            fail(layer_what + ": descriptor size " + std::to_string(d.size) +
                 " is over the limit of " + std::to_string(options.max_layer_bytes) + " bytes");
        if (options.read_layers)
            layout.blob_reader(d, layer_what).drain();
        img.layers.push_back({d, *compression, img.config.diff_ids[i]});
    }
    return img;
}

} // namespace ward::trust
