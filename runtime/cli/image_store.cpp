// `ward image import|ls|inspect|rm`: the image store (trust/store.hpp).
// Results go to stdout; progress lines and warnings to stderr.
#include "image_verbs.hpp"
#include "table.hpp"
#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"
#include "ward/json/json.hpp"
#include "ward/policy/policy.hpp"
#include "ward/trust/store.hpp"

#include <ctime>
#include <set>
#include <unistd.h>

namespace ward::cli {
namespace {

trust::Store open_store(const Context& ctx, bool create) {
    return trust::Store::open(trust::store_root(ctx.options.store), create);
}

trust::StoreEntry find_or_fail(const trust::Store& store, const std::string& ref) {
    auto e = store.find(ref);
    if (!e)
        fail("image " + quote(ref) + " is not in the store (" + store.root() + ")");
    return *e;
}

// "5 minutes ago", as `podman images` shows CREATED (go-units' HumanDuration).
std::string ago(const std::string& rfc3339) {
    struct tm tm {};
    if (!::strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%S", &tm))
        return rfc3339;
    double s = std::difftime(std::time(nullptr), ::timegm(&tm));
    auto n = [](double v, const char* unit) {
        long k = static_cast<long>(v);
        return std::to_string(k) + " " + unit + (k == 1 ? "" : "s") + " ago";
    };
    if (s < 1)
        return "Less than a second ago";
    if (s < 60)
        return n(s, "second");
    if (s < 60 * 60)
        return s < 120 ? "About a minute ago" : n(s / 60, "minute");
    if (s < 48 * 3600)
        return s < 2 * 3600 ? "About an hour ago" : n(s / 3600, "hour");
    if (s < 14 * 86400)
        return n(s / 86400, "day");
    if (s < 60 * 86400)
        return n(s / (7 * 86400), "week");
    if (s < 2 * 365 * 86400)
        return n(s / (30 * 86400), "month");
    return n(s / (365 * 86400), "year");
}

void progress_line(const std::string& line) {
    try {
        write_all(STDERR_FILENO, line + "\n", "stderr");
    } catch (const Error&) {
        // Progress is a courtesy: a closed stderr must not fail the import.
    }
}

// The containers under --root whose config names this image (the
// annotation `bundle create --image` writes).
std::vector<std::string> containers_using(const Context& ctx, const trust::Digest& digest) {
    std::vector<std::string> ids;
    for (const auto& doc : container::list(ctx.lifecycle)) {
        const json::Value* a = doc.find("annotations");
        const json::Value* d = a ? a->find(trust::kImageDigestAnnotation) : nullptr;
        const json::Value* id = doc.find("id");
        if (d && d->is_string() && d->as_string() == digest.str() && id && id->is_string())
            ids.push_back(id->as_string());
    }
    return ids;
}

json::Value inspect_doc(const trust::Store& store, const trust::StoreEntry& e) {
    json::Value doc = json::parse(trust::serialize_image_json(e));
    json::Value out = json::Value::object();
    out.set("digest", e.manifest.str());
    for (auto& [key, value] : doc.as_object()) {
        if (key == "manifest")
            continue;
        if (key == "config") {
            auto config = json::Value::object();
            config.set("digest", e.config.str());
            config.set("document", json::parse(read_document(e.dir + "/config.json")));
            out.set("config", std::move(config));
            continue;
        }
        out.set(key, value);
    }
    auto sigs = json::Value::array();
    for (const auto& s : store.signatures(e))
        sigs.push(s.origin);
    out.set("signatures", std::move(sigs));
    out.set("dir", e.dir);
    out.set("rootfs", e.rootfs());
    out.set("record", e.record_path());
    return out;
}

} // namespace

int image_import(const Context& ctx, const VerbArgs& args) {
    const auto& pos = args.parsed.positionals;
    trust::ImportRequest req;
    req.ref = trust::parse_image_ref(pos[1]);
    if (auto platform = args.parsed.value("platform"))
        req.platform = trust::parse_platform(*platform);
    req.name = args.parsed.value("name").value_or("");
    if (args.parsed.value("name") && req.name.empty())
        throw UsageError("image", "invalid value \"\" for flag -name: a name is required");
    policy::Effective effective = policy::select_policy(ctx.options.policy_file);
    if (effective.policy.trust)
        req.trust = &*effective.policy.trust;
    else
        log::warn("policy \"" + effective.policy.name + "\" (" + effective.source +
                  ") has no trust section: signatures are not checked, only the digests");
    if (!args.parsed.flag("quiet"))
        req.progress = progress_line;

    trust::Store store = open_store(ctx, true);
    trust::ImportResult r =
        with_context("import " + req.ref.str(), [&] { return trust::import_image(store, req); });
    const trust::StoreEntry& e = r.entry;
    const std::string& name = e.names.back();
    for (const auto& [moved, from] : r.moved)
        log::warn("name " + moved + " moved here from " + from.short_str());
    if (e.dropped.devices || e.dropped.setid || e.dropped.capabilities || e.dropped.xattrs)
        log::warn("unpack dropped " + std::to_string(e.dropped.devices) + " device node(s), " +
                  std::to_string(e.dropped.setid) + " setuid/setgid bit(s), " +
                  std::to_string(e.dropped.capabilities) + " file capability(ies), " +
                  std::to_string(e.dropped.xattrs) + " xattr(s) (policy trust.unpack)");
    std::string out =
        (r.unpacked ? "imported " : "already imported ") + e.manifest.str() + " as " + name + "\n";
    // A bundle names no identity and may carry a log entry: say what
    // admitted it and what was or was not checked.
    if (e.admission && e.admission->signature &&
        e.admission->signature->format == trust::SignatureFormat::sigstore_bundle) {
        const trust::VerifiedSignature& v = *e.admission->signature;
        out += "signature " + v.signed_digest.str() + " " + trust::signature_format_name(v.format) +
               " key " + v.key + " (" + v.origin + ")\n";
        for (const auto& note : v.notes)
            out += "          " + note + "\n";
    }
    print_out(out);
    return 0;
}

int image_ls(const Context& ctx, const VerbArgs& args) {
    ListOptions options = list_options(args);
    std::vector<trust::StoreEntry> entries = open_store(ctx, false).list();
    std::string out;
    if (options.quiet) {
        for (const auto& e : entries)
            out += e.manifest.hex.substr(0, 12) + "\n";
        print_out(out);
        return 0;
    }
    if (options.format == ListFormat::json) {
        auto arr = json::Value::array();
        // A summary of image.json (inspect has all of it).
        for (const auto& e : entries) {
            json::Value full = json::parse(trust::serialize_image_json(e));
            auto o = json::Value::object();
            o.set("names", *full.find("names"));
            o.set("digest", *full.find("manifest"));
            o.set("size", *full.find("size"));
            o.set("imported", *full.find("imported"));
            arr.push(std::move(o));
        }
        print_out(json::serialize(arr, json::Style::pretty) + "\n");
        return 0;
    }
    std::vector<TableRow> rows = {{"NAME", "DIGEST", "SIZE", "IMPORTED"}};
    for (const auto& e : entries) {
        std::vector<std::string> names = e.names;
        if (names.empty())
            names.push_back("<none>");
        for (const auto& n : names)
            rows.push_back(
                {n, e.manifest.hex.substr(0, 12), trust::human_size(e.size), ago(e.imported)});
    }
    print_out(format_table(rows));
    return 0;
}

int image_inspect(const Context& ctx, const VerbArgs& args) {
    trust::Store store = open_store(ctx, false);
    auto arr = json::Value::array();
    const auto& pos = args.parsed.positionals;
    for (size_t i = 1; i < pos.size(); ++i)
        arr.push(inspect_doc(store, find_or_fail(store, pos[i])));
    print_out(json::serialize(arr, json::Style::pretty) + "\n");
    return 0;
}

int image_rm(const Context& ctx, const VerbArgs& args) {
    trust::Store store = open_store(ctx, false);
    bool force = args.parsed.flag("force");
    const auto& pos = args.parsed.positionals;
    int status = 0;
    for (size_t i = 1; i < pos.size(); ++i) {
        const std::string& ref = pos[i];
        try {
            trust::StoreEntry e = find_or_fail(store, ref);
            bool name_only = ref.find('/') != std::string::npos && e.names.size() > 1;
            if (!name_only && !force) {
                auto users = containers_using(ctx, e.manifest);
                if (!users.empty())
                    fail("image " + e.manifest.short_str() + " is used by container(s) " +
                         join(users, ", ") + " (delete them first, or use --force)");
            }
            trust::Store::Removal r = store.remove(ref);
            std::string out;
            for (const auto& n : r.untagged)
                out += "Untagged: " + n + "\n";
            if (r.deleted)
                out += "Deleted: " + r.deleted->str() + "\n";
            print_out(out);
        } catch (const Error& err) {
            // As podman rmi: each REF on its own, the status says one failed.
            log::error(std::string("rm ") + ref + ": " + err.what());
            status = 1;
        }
    }
    return status;
}

} // namespace ward::cli
