// Writing a cosign-style signature into an OCI layout.
#include "base64.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fault.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"
#include "ward/json/json.hpp"
#include "ward/trust/reference.hpp"
#include "ward/trust/sign.hpp"
#include "ward/trust/signature.hpp"
#include "ward/trust/store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ward::trust {
namespace {

using json::Value;

Value descriptor_json(std::string_view media_type, const Digest& digest, uint64_t size) {
    Value d = Value::object();
    d.set("mediaType", std::string(media_type));
    d.set("size", static_cast<unsigned long long>(size));
    d.set("digest", digest.str());
    return d;
}

// blobs/sha256/<hex>, written to a temporary name and renamed, so a reader
// never sees a half-written blob. An existing blob is the same content.
Digest write_blob(const Layout& layout, std::string_view data) {
    Digest d = sha256(data);
    std::string dir = layout.path() + "/blobs/sha256/";
    std::string path = dir + d.hex;
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        static_cast<uint64_t>(st.st_size) == data.size())
        return d;
    std::string tmp = dir + ".ward-tmp-" + d.hex;
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644));
    if (!fd)
        fail_errno("create blob " + tmp);
    write_all(fd.get(), data, "write blob " + tmp);
    if (::fsync(fd.get()) < 0)
        fail_errno("fsync blob " + tmp);
    fd.reset();
    if (::rename(tmp.c_str(), path.c_str()) < 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        fail_errno("rename blob " + tmp, err);
    }
    return d;
}

// The config cosign gives a signature image: empty platform, zero times,
// one diff_id per payload layer (the layers are not compressed).
std::string signature_config(const std::vector<Digest>& layer_digests) {
    Value ids = Value::array();
    for (const Digest& d : layer_digests)
        ids.push(d.str());
    Value history = Value::object();
    history.set("created", "0001-01-01T00:00:00Z");
    Value rootfs = Value::object();
    rootfs.set("type", "layers");
    rootfs.set("diff_ids", std::move(ids));
    Value c = Value::object();
    c.set("architecture", "");
    c.set("created", "0001-01-01T00:00:00Z");
    c.set("history", Value(Value::Array{history}));
    c.set("os", "");
    c.set("rootfs", std::move(rootfs));
    c.set("config", Value::object());
    return json::serialize(c);
}

// The payload layers already stored under the tag, as JSON descriptors
// (kept byte-for-byte in meaning: media type, digest, size, annotations).
std::vector<Value> existing_layers(const Layout& layout, const std::string& tag) {
    std::vector<Value> out;
    for (const Descriptor& d : layout.index().manifests) {
        if (d.ref_name() != tag)
            continue;
        std::string what = "existing signature manifest " + d.digest.short_str();
        std::string bytes = layout.read_json_blob(d, what);
        parse_manifest(bytes, d.media_type, what); // checked before it is extended
        Value doc = json::parse(bytes);
        for (const Value& layer : doc.find("layers")->as_array())
            out.push_back(layer);
        break;
    }
    return out;
}

} // namespace

std::string default_identity(const std::string& layout_path, const std::string& ref_name,
                             IdentityForm form) {
    if (ref_name.find('@') != std::string::npos)
        fail("ref.name " + quote(ref_name) +
             " pins a digest, not a tag: say what to sign with --identity REF");
    // The name import would give it, so that what is signed is what runs.
    auto reference = parse_reference(default_image_name(layout_path, ref_name));
    if (!reference)
        fail("cannot make an identity from " + quote(ref_name) + ": give --identity REF");
    return form == IdentityForm::reference ? reference->str() : reference->name;
}

SignResult sign_image(const std::string& layout_path, const SelectOptions& select,
                      const PrivateKey& key, const std::string& identity) {
    if (identity.empty())
        fail("sign: empty identity");
    // Two signers at once would each rewrite index.json from what they
    // read; the lock is held on the directory until this returns.
    UniqueFd lock(::open(layout_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!lock)
        fail_errno("image layout " + layout_path + ": open");
    if (::flock(lock.get(), LOCK_EX) < 0)
        fail_errno("lock image layout " + layout_path);
    Layout layout = Layout::open(layout_path);
    VerifiedImage img = verify_image(layout, select);

    SignResult r;
    r.signed_digest = img.chain.front();
    r.manifest_digest = img.manifest_digest();
    r.tag = signature_tag(r.signed_digest);
    r.identity = identity;

    std::string payload = make_payload(r.signed_digest, identity);
    std::string signature = base64_encode(key.sign(payload));
    Digest payload_digest = write_blob(layout, payload);

    std::vector<Value> layers = existing_layers(layout, r.tag);
    Value layer = descriptor_json(media::kCosignPayload, payload_digest, payload.size());
    Value annotations = Value::object();
    annotations.set(std::string(kCosignSignatureAnnotation), signature);
    layer.set("annotations", std::move(annotations));
    layers.push_back(std::move(layer));

    std::vector<Digest> layer_digests;
    for (const Value& l : layers)
        layer_digests.push_back(parse_digest(l.find("digest")->as_string()));
    std::string config = signature_config(layer_digests);
    Digest config_digest = write_blob(layout, config);

    Value manifest = Value::object();
    manifest.set("schemaVersion", 2);
    manifest.set("mediaType", std::string(media::kOciManifest));
    manifest.set("config", descriptor_json(media::kOciConfig, config_digest, config.size()));
    manifest.set("layers", Value(Value::Array(layers.begin(), layers.end())));
    std::string manifest_bytes = json::serialize(manifest);
    r.signature_manifest = write_blob(layout, manifest_bytes);

    // index.json: every other entry and field kept as it was; the tag's
    // entry replaced.
    std::string index_path = layout_path + "/index.json";
    UniqueFd index_fd(::open(index_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!index_fd)
        fail_errno("open " + index_path);
    Value index = json::parse(read_capped(index_fd.get(), kMaxJsonBytes, index_path));
    Value entries = Value::array();
    for (const Value& e : index.find("manifests")->as_array()) {
        const Value* ann = e.find("annotations");
        const Value* name = ann ? ann->find(kRefNameAnnotation) : nullptr;
        if (name && name->is_string() && name->as_string() == r.tag)
            continue;
        entries.push(e);
    }
    Value entry = descriptor_json(media::kOciManifest, r.signature_manifest, manifest_bytes.size());
    Value entry_annotations = Value::object();
    entry_annotations.set(std::string(kRefNameAnnotation), r.tag);
    entry.set("annotations", std::move(entry_annotations));
    entries.push(std::move(entry));
    index.set("manifests", std::move(entries));
    fault_point("image-sign:blobs-written"); // no index entry names them yet
    write_file_atomic(index_path, json::serialize(index), 0644);
    return r;
}

} // namespace ward::trust
