#include "ward/trust/bundle_sign.hpp"

#include "base64.hpp"
#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fault.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"
#include "ward/json/json.hpp"
#include "ward/trust/tree_diff.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ward::trust {

namespace {

using json::Value;

constexpr uint64_t kMaxConfigBytes = 16u << 20;
// A record line is ~150 bytes: this allows millions of files.
constexpr uint64_t kMaxRecordBytes = uint64_t(1) << 30;
const std::string kPayloadWhat = "bundle signature payload";

std::string in_bundle(const std::string& bundle, const std::string& name) {
    return (bundle.empty() ? std::string(".") : bundle) + "/" + name;
}

// Reads a bundle file; nullopt when it does not exist.
std::optional<std::string> read_bundle_file(const std::string& bundle, const std::string& name,
                                            uint64_t cap) {
    return read_optional_document(in_bundle(bundle, name), cap);
}

// root.path exactly as config.json has it. Only this member is read here:
// the config as a whole is covered by its digest, and create parses it.
std::string root_path_of(std::string_view config) {
    Value doc = with_context("config.json", [&] { return json::parse(config); });
    const Value* root = doc.is_object() ? doc.find("root") : nullptr;
    if (!root || !root->is_object())
        fail("config.json: root: required to sign or verify a bundle");
    const Value* path = root->find("path");
    if (!path || !path->is_string() || path->as_string().empty())
        fail("config.json: root.path: required to sign or verify a bundle");
    return path->as_string();
}

std::string rootfs_dir(const std::string& bundle, const std::string& root_path) {
    if (root_path.front() == '/')
        return root_path;
    return in_bundle(bundle, root_path);
}

// The rootfs as create will find it: root.path is resolved like any path
// (create does the same); nothing below it is followed.
UniqueFd open_rootfs(const std::string& dir, struct stat& st) {
    UniqueFd fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        fail_errno("rootfs " + dir);
    if (::fstat(fd.get(), &st) < 0)
        fail_errno("rootfs " + dir);
    return fd;
}

// The signature files live in the bundle directory: a rootfs that is the
// bundle or holds it would have to contain its own signature.
void refuse_rootfs_holding_bundle(const std::string& bundle, const struct stat& rootfs,
                                  const std::string& root_path) {
    std::string dir = bundle.empty() ? "." : bundle;
    UniqueFd cur(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!cur)
        fail_errno("bundle " + dir);
    for (;;) {
        struct stat st {};
        if (::fstat(cur.get(), &st) < 0)
            fail_errno("bundle " + dir);
        if (st.st_dev == rootfs.st_dev && st.st_ino == rootfs.st_ino)
            fail("config.json: root.path " + quote(root_path) +
                 " is the bundle directory or one of its parents: the rootfs must not hold"
                 " config.json and the signature");
        UniqueFd up(::openat(cur.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!up)
            fail_errno("bundle " + dir + ": open parent");
        struct stat ust {};
        if (::fstat(up.get(), &ust) < 0)
            fail_errno("bundle " + dir);
        if (ust.st_dev == st.st_dev && ust.st_ino == st.st_ino)
            return; // "/"
        cur = std::move(up);
    }
}

std::string string_member(const Value& obj, const char* key) {
    const Value* v = obj.find(key);
    if (!v)
        fail(kPayloadWhat + ": ." + key + ": required field missing");
    if (!v->is_string())
        fail(kPayloadWhat + ": ." + key + ": expected string, got " + json::type_name(v->type()));
    return v->as_string();
}

void only_keys(const Value& obj, std::initializer_list<std::string_view> allowed,
               const std::string& what) {
    for (const auto& [key, _] : obj.as_object()) {
        bool ok = false;
        for (auto a : allowed)
            ok = ok || key == a;
        if (!ok)
            fail(what + ": ." + key + ": unknown field refused");
    }
}

std::string signature_file(const std::string& payload, const std::string& der) {
    Value doc = Value::object();
    doc.set("payload", base64_encode(payload));
    doc.set("signature", base64_encode(der));
    return json::serialize(doc) + "\n";
}

struct SignatureFile {
    std::string payload;
    std::string signature; // DER
};

SignatureFile parse_signature_file(std::string_view text) {
    const std::string what = kBundleSignatureFile;
    Value doc = with_context(what, [&] { return json::parse(text); });
    if (!doc.is_object())
        fail(what + ": not a JSON object");
    only_keys(doc, {"payload", "signature"}, what);
    SignatureFile out;
    for (auto [key, dest] : {std::pair{"payload", &out.payload}, {"signature", &out.signature}}) {
        const Value* v = doc.find(key);
        if (!v || !v->is_string())
            fail(what + ": ." + key + ": required string missing");
        auto raw = base64_decode(v->as_string());
        if (!raw)
            fail(what + ": ." + key + ": not base64");
        *dest = std::move(*raw);
    }
    return out;
}

std::string key_names(const std::vector<PublicKey>& keys) {
    std::vector<std::string> names;
    for (const auto& k : keys)
        names.push_back(k.name());
    return join(names, ", ");
}

} // namespace

std::string make_bundle_payload(const BundlePayload& payload) {
    Value doc = Value::object();
    doc.set("type", std::string(kBundlePayloadType));
    doc.set("configDigest", payload.config.str());
    doc.set("rootPath", payload.root_path);
    doc.set("rootfsRecordDigest", payload.record.str());
    return json::serialize(doc);
}

BundlePayload parse_bundle_payload(std::string_view bytes) {
    if (bytes.size() > kMaxJsonBytes)
        fail(kPayloadWhat + ": larger than " + std::to_string(kMaxJsonBytes) + " bytes");
    Value doc = with_context(kPayloadWhat, [&] { return json::parse(bytes); });
    if (!doc.is_object())
        fail(kPayloadWhat + ": not a JSON object");
    only_keys(doc, {"type", "configDigest", "rootPath", "rootfsRecordDigest"}, kPayloadWhat);
    std::string type = string_member(doc, "type");
    if (type != kBundlePayloadType)
        fail(kPayloadWhat + ": .type: " + quote(type) + ", want " + quote(kBundlePayloadType));
    BundlePayload p;
    std::string config = string_member(doc, "configDigest");
    p.config = with_context(kPayloadWhat + ": .configDigest", [&] { return parse_digest(config); });
    p.root_path = string_member(doc, "rootPath");
    if (p.root_path.empty())
        fail(kPayloadWhat + ": .rootPath: empty");
    std::string record = string_member(doc, "rootfsRecordDigest");
    p.record =
        with_context(kPayloadWhat + ": .rootfsRecordDigest", [&] { return parse_digest(record); });
    return p;
}

SignedBundle sign_bundle(const std::string& bundle_dir, const PrivateKey& key,
                         const SignBundleOptions& options) {
    auto config = read_bundle_file(bundle_dir, "config.json", kMaxConfigBytes);
    if (!config)
        fail("open " + in_bundle(bundle_dir, "config.json") + ": no such file or directory");
    SignedBundle out;
    out.payload.config = sha256(*config);
    out.payload.root_path = root_path_of(*config);
    out.rootfs = rootfs_dir(bundle_dir, out.payload.root_path);
    struct stat st {};
    UniqueFd rootfs = open_rootfs(out.rootfs, st);
    refuse_rootfs_holding_bundle(bundle_dir, st, out.payload.root_path);

    TreeRecord tree = record_tree(rootfs.get(), options.walk);
    std::string record = serialize_records(tree);
    out.payload.record = sha256(record);
    out.files = tree.entries;
    out.bytes = tree.content_bytes;
    std::string payload = make_bundle_payload(out.payload);
    std::string signature = key.sign(payload);
    out.key_public = key.public_pem();

    // The record first: a signature is never left naming a record that
    // is not there yet.
    write_file_atomic(in_bundle(bundle_dir, kBundleRecordFile), record, 0644);
    fault_point("sign:record-written"); // an older signature names another record
    write_file_atomic(in_bundle(bundle_dir, kBundleSignatureFile),
                      signature_file(payload, signature), 0644);
    return out;
}

VerifiedBundle verify_bundle(const std::string& bundle_dir, const std::vector<PublicKey>& keys,
                             const VerifyBundleOptions& options) {
    std::string shown_bundle = bundle_dir.empty() ? "." : bundle_dir;
    auto sig_text = read_bundle_file(bundle_dir, kBundleSignatureFile, kMaxJsonBytes);
    if (!sig_text)
        fail("bundle " + shown_bundle + " is not signed (no " + kBundleSignatureFile + ")");
    SignatureFile sig = parse_signature_file(*sig_text);

    // The signature before anything in the payload is believed.
    if (keys.empty())
        fail("no key to verify the bundle signature with");
    VerifiedBundle out;
    for (const auto& k : keys)
        if (k.verify(sig.payload, sig.signature)) {
            out.key = k.name();
            break;
        }
    if (out.key.empty()) {
        if (keys.size() == 1)
            fail("bundle signature does not verify with key " + keys.front().name());
        fail("bundle signature does not verify with any of the keys " + key_names(keys));
    }
    out.payload = parse_bundle_payload(sig.payload);

    std::string config;
    if (options.config) {
        config = *options.config;
    } else {
        auto read = read_bundle_file(bundle_dir, "config.json", kMaxConfigBytes);
        if (!read)
            fail("open " + in_bundle(bundle_dir, "config.json") + ": no such file or directory");
        config = std::move(*read);
    }
    Digest config_digest = sha256(config);
    if (config_digest != out.payload.config)
        fail("config.json changed since signing (want " + out.payload.config.str() + ", got " +
             config_digest.str() + ")");
    std::string root_path = root_path_of(config);
    if (root_path != out.payload.root_path)
        // Only a signer's own mistake gets here: the config's digest matched.
        fail(kPayloadWhat + ": .rootPath " + quote(out.payload.root_path) +
             " is not config.json's root.path " + quote(root_path));

    auto record = read_bundle_file(bundle_dir, kBundleRecordFile, kMaxRecordBytes);
    if (!record)
        fail("bundle " + shown_bundle + " has a signature but no " + kBundleRecordFile);
    Digest record_digest = sha256(*record);
    if (record_digest != out.payload.record)
        fail(std::string(kBundleRecordFile) + " changed since signing (want " +
             out.payload.record.str() + ", got " + record_digest.str() + ")");
    TreeRecord want = with_context(kBundleRecordFile, [&] { return parse_records(*record); });

    out.rootfs = rootfs_dir(bundle_dir, root_path);
    struct stat st {};
    UniqueFd opened;
    int rootfs = options.rootfs_fd;
    if (rootfs < 0) {
        opened = open_rootfs(out.rootfs, st);
        rootfs = opened.get();
    } else if (::fstat(rootfs, &st) < 0) {
        fail_errno("rootfs " + out.rootfs);
    }
    out.rootfs_dev = st.st_dev;
    out.rootfs_ino = st.st_ino;
    TreeRecord got = record_tree(rootfs, options.walk);
    out.files = got.entries;
    out.bytes = got.content_bytes;
    if (auto diff = first_difference(want, got, "since signing"))
        fail(*diff);
    return out;
}

bool bundle_is_signed(const std::string& bundle_dir) {
    struct stat st {};
    return ::lstat(in_bundle(bundle_dir, kBundleSignatureFile).c_str(), &st) == 0;
}

} // namespace ward::trust
