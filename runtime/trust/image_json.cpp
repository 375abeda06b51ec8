// The store's own documents: image.json (what an entry is, how it was
// admitted) and signatures.json (the signatures found at import, so create
// can ask admission again without the layout). Both are written by ward
// into a root-only directory, but are still parsed strictly: a damaged
// entry must read as an error, not as an image with less in it.
#include "base64.hpp"
#include "store_files.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/json/json.hpp"
#include "ward/trust/mount_points.hpp"

namespace ward::trust {
namespace {

const json::Value& member(const json::Value& obj, std::string_view key) {
    const json::Value* v = obj.find(key);
    if (!v)
        fail("missing");
    return *v;
}

std::string string_of(const json::Value& obj, std::string_view key) {
    return with_context(key, [&] { return member(obj, key).as_string(); });
}

Digest digest_of(const json::Value& obj, std::string_view key) {
    return with_context(key, [&] { return parse_digest(member(obj, key).as_string()); });
}

uint64_t uint_of(const json::Value& obj, std::string_view key) {
    return with_context(key, [&] {
        auto v = member(obj, key).as_uint64();
        if (!v)
            fail("not a non-negative integer");
        return *v;
    });
}

json::Value digests(const std::vector<Digest>& list) {
    auto arr = json::Value::array();
    for (const auto& d : list)
        arr.push(d.str());
    return arr;
}

} // namespace

std::string serialize_image_json(const StoreEntry& e) {
    auto doc = json::Value::object();
    auto names = json::Value::array();
    for (const auto& n : e.names)
        names.push(n);
    doc.set("names", std::move(names));
    doc.set("manifest", e.manifest.str());
    doc.set("mediaType", e.media_type);
    doc.set("chain", digests(e.chain));
    doc.set("config", e.config.str());
    doc.set("platform", e.platform);
    auto layers = json::Value::array();
    for (const auto& l : e.layers) {
        auto o = json::Value::object();
        o.set("digest", l.digest.str());
        o.set("mediaType", l.media_type);
        o.set("size", l.size);
        o.set("diffId", l.diff_id.str());
        layers.push(std::move(o));
    }
    doc.set("layers", std::move(layers));
    doc.set("size", e.size);
    doc.set("imported", e.imported);
    doc.set("source", e.source);
    if (e.admission) {
        auto a = json::Value::object();
        a.set("scope", e.admission->scope);
        a.set("requirement", e.admission->requirement);
        if (const auto& s = e.admission->signature) {
            auto o = json::Value::object();
            o.set("signedDigest", s->signed_digest.str());
            o.set("identity", s->identity);
            o.set("key", s->key);
            o.set("origin", s->origin);
            if (s->format == SignatureFormat::sigstore_bundle) {
                o.set("format", signature_format_name(s->format));
                auto notes = json::Value::array();
                for (const auto& n : s->notes)
                    notes.push(n);
                o.set("notes", std::move(notes));
            }
            a.set("signature", std::move(o));
        }
        doc.set("admission", std::move(a));
    } else {
        doc.set("admission", nullptr);
    }
    auto dropped = json::Value::object();
    dropped.set("devices", e.dropped.devices);
    dropped.set("setid", e.dropped.setid);
    dropped.set("capabilities", e.dropped.capabilities);
    dropped.set("xattrs", e.dropped.xattrs);
    doc.set("dropped", std::move(dropped));
    auto points = json::Value::array();
    for (const auto& p : e.mount_points)
        points.push(p);
    doc.set("mountPoints", std::move(points));
    return json::serialize(doc, json::Style::pretty) + "\n";
}

StoreEntry parse_image_json(std::string_view text, const std::string& what) {
    return with_context(what, [&] {
        json::Value doc = json::parse(text);
        if (!doc.is_object())
            fail("not a JSON object");
        StoreEntry e;
        with_context("names", [&] {
            for (const auto& n : member(doc, "names").as_array())
                e.names.push_back(n.as_string());
        });
        e.manifest = digest_of(doc, "manifest");
        e.media_type = string_of(doc, "mediaType");
        with_context("chain", [&] {
            for (const auto& d : member(doc, "chain").as_array())
                e.chain.push_back(parse_digest(d.as_string()));
        });
        if (e.chain.empty() || !(e.chain.back() == e.manifest))
            fail("chain: must end with the manifest digest");
        e.config = digest_of(doc, "config");
        e.platform = string_of(doc, "platform");
        const auto& layers = with_context("layers", [&]() -> const json::Value::Array& {
            return member(doc, "layers").as_array();
        });
        for (size_t i = 0; i < layers.size(); ++i)
            with_context("layers[" + std::to_string(i) + "]", [&] {
                StoreLayer l;
                l.digest = digest_of(layers[i], "digest");
                l.media_type = string_of(layers[i], "mediaType");
                l.size = uint_of(layers[i], "size");
                l.diff_id = digest_of(layers[i], "diffId");
                e.layers.push_back(std::move(l));
            });
        e.size = uint_of(doc, "size");
        e.imported = string_of(doc, "imported");
        e.source = string_of(doc, "source");
        const json::Value& adm = with_context(
            "admission", [&]() -> const json::Value& { return member(doc, "admission"); });
        if (!adm.is_null())
            with_context("admission", [&] {
                Admission a;
                a.scope = string_of(adm, "scope");
                a.requirement = string_of(adm, "requirement");
                if (const json::Value* s = adm.find("signature"))
                    with_context("signature", [&] {
                        VerifiedSignature v;
                        v.signed_digest = digest_of(*s, "signedDigest");
                        v.identity = string_of(*s, "identity");
                        v.key = string_of(*s, "key");
                        v.origin = string_of(*s, "origin");
                        if (s->find("format")) {
                            v.format = SignatureFormat::sigstore_bundle;
                            for (const auto& n : member(*s, "notes").as_array())
                                v.notes.push_back(n.as_string());
                        }
                        a.signature = std::move(v);
                    });
                e.admission = std::move(a);
            });
        with_context("dropped", [&] {
            const json::Value& d = member(doc, "dropped");
            e.dropped.devices = uint_of(d, "devices");
            e.dropped.setid = uint_of(d, "setid");
            e.dropped.capabilities = uint_of(d, "capabilities");
            e.dropped.xattrs = uint_of(d, "xattrs");
        });
        // Absent in entries imported before import made mount points.
        if (const json::Value* points = doc.find("mountPoints"))
            with_context("mountPoints", [&] {
                for (const auto& p : points->as_array()) {
                    e.mount_points.push_back(p.as_string());
                    check_mount_point(e.mount_points.back());
                }
            });
        return e;
    });
}

std::string detail::serialize_signatures(const std::vector<Signature>& signatures) {
    auto arr = json::Value::array();
    for (const auto& s : signatures) {
        if (!s.problem.empty())
            continue; // unreadable at import: nothing a later check could verify
        auto o = json::Value::object();
        if (s.format == SignatureFormat::sigstore_bundle) {
            o.set("format", signature_format_name(s.format));
            o.set("bundle", base64_encode(s.payload));
        } else {
            o.set("payload", base64_encode(s.payload));
            o.set("signature", base64_encode(s.der));
        }
        o.set("origin", s.origin);
        arr.push(std::move(o));
    }
    return json::serialize(arr, json::Style::pretty) + "\n";
}

std::vector<Signature> detail::parse_signatures(std::string_view text, const std::string& what) {
    return with_context(what, [&] {
        json::Value doc = json::parse(text);
        std::vector<Signature> out;
        const auto& arr = doc.as_array();
        for (size_t i = 0; i < arr.size(); ++i)
            with_context("[" + std::to_string(i) + "]", [&] {
                Signature s;
                if (arr[i].find("bundle")) {
                    auto bundle = base64_decode(string_of(arr[i], "bundle"));
                    if (!bundle)
                        fail("bundle: not base64");
                    s.format = SignatureFormat::sigstore_bundle;
                    s.payload = std::move(*bundle);
                } else {
                    auto payload = base64_decode(string_of(arr[i], "payload"));
                    auto der = base64_decode(string_of(arr[i], "signature"));
                    if (!payload || !der)
                        fail("not base64");
                    s.payload = std::move(*payload);
                    s.der = std::move(*der);
                }
                s.origin = string_of(arr[i], "origin");
                out.push_back(std::move(s));
            });
        return out;
    });
}

} // namespace ward::trust
