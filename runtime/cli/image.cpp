// `ward image sign|verify`: the image trust chain on an OCI layout without
// a store: sign what a tag names, or check every digest and a signature.
// Also the dispatch of every `ward image` action.
#include "image_verbs.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/trust/layout.hpp"
#include "ward/trust/sign.hpp"
#include "ward/trust/signature.hpp"

namespace ward::cli {
namespace {

trust::SelectOptions selection(const trust::ImageRef& ref, const VerbArgs& args) {
    trust::SelectOptions select;
    select.tag = ref.tag;
    select.digest = ref.digest;
    if (auto platform = args.parsed.value("platform"))
        select.platform = trust::parse_platform(*platform);
    return select;
}

std::string required_key(const VerbArgs& args, const char* action) {
    std::string key = args.parsed.value("key").value_or("");
    if (key.empty())
        throw UsageError("image",
                         std::string("ward: \"image ") + action + "\" requires --key FILE");
    return key;
}

int sign(const VerbArgs& args, const trust::ImageRef& ref) {
    for (const char* flag : {"signature", "payload", "rekor-key"})
        if (args.parsed.value(flag))
            throw UsageError("image", std::string("--") + flag + " is for image verify");
    trust::PrivateKey key = trust::PrivateKey::load(required_key(args, "sign"));
    trust::SelectOptions select = selection(ref, args);
    std::string identity = args.parsed.value("identity").value_or("");
    auto form_text = args.parsed.value("identity-form");
    if (form_text && !identity.empty())
        throw UsageError("image", "--identity and --identity-form exclude each other: "
                                  "--identity names exactly what to sign");
    trust::IdentityForm form = trust::IdentityForm::reference;
    if (form_text && *form_text == "repository")
        form = trust::IdentityForm::repository;
    else if (form_text && *form_text != "reference")
        throw UsageError("image", "invalid value " + quote(*form_text) +
                                      " for flag -identity-form: want reference or repository");
    if (identity.empty()) {
        trust::Layout layout = trust::Layout::open(ref.layout);
        identity =
            trust::default_identity(ref.layout, trust::select_top(layout, select).ref_name(), form);
    }
    trust::SignResult r = with_context(
        "sign " + ref.str(), [&] { return trust::sign_image(ref.layout, select, key, identity); });
    print_out("signed " + r.signed_digest.str() + " as " + quote(r.identity) + "\nsignature " +
              r.signature_manifest.str() + " tagged " + r.tag + " in " + ref.layout + "\n");
    return 0;
}

int verify(const VerbArgs& args, const trust::ImageRef& ref) {
    if (args.parsed.value("identity-form"))
        throw UsageError("image", "--identity-form is for image sign");
    trust::PublicKey key = trust::PublicKey::load(required_key(args, "verify"));
    auto sig_file = args.parsed.value("signature");
    auto payload_file = args.parsed.value("payload");
    if (sig_file.has_value() != payload_file.has_value())
        throw UsageError("image", "--signature and --payload go together");
    std::optional<std::string> identity = args.parsed.value("identity");
    if (identity && identity->empty())
        identity.reset();
    // A transparency log's keys: a Sigstore bundle must then carry an entry
    // one of them promised (checked offline), as a policy's rekorPublicKeyPath.
    std::vector<trust::PublicKey> log_keys;
    for (const auto& path : args.parsed.values_of("rekor-key"))
        log_keys.push_back(trust::PublicKey::load(path));

    return with_context("verify " + ref.str(), [&] {
        trust::Layout layout = trust::Layout::open(ref.layout);
        trust::VerifiedImage img = trust::verify_image(layout, selection(ref, args));
        std::vector<trust::Signature> sigs =
            sig_file ? std::vector<trust::Signature>{trust::load_detached(*sig_file, *payload_file)}
                     : trust::find_layout_signatures(layout, img.chain);
        trust::VerifiedSignature v =
            trust::verify_signatures(sigs, {key}, img.chain, identity, log_keys);

        std::string out = "verified " + ref.str() + "\n";
        for (size_t i = 0; i + 1 < img.chain.size(); ++i)
            out += "index     " + img.chain[i].str() + "\n";
        out += "manifest  " + img.manifest.digest.str() + " " + img.manifest.media_type + " " +
               std::to_string(img.manifest.size) + " bytes\n";
        out += "config    " + img.config_descriptor.digest.str() + " " + img.config.os + "/" +
               img.config.architecture + "\n";
        for (const auto& layer : img.layers)
            out += "layer     " + layer.descriptor.digest.str() + " " +
                   trust::compression_name(layer.compression) + " " +
                   std::to_string(layer.descriptor.size) + " bytes, diff_id " +
                   layer.diff_id.str() + "\n";
        if (v.format == trust::SignatureFormat::sigstore_bundle)
            out += "signature " + v.signed_digest.str() + " " +
                   trust::signature_format_name(v.format) + " (names no identity) key " + v.key +
                   " (" + v.origin + ")\n";
        else
            out += "signature " + v.signed_digest.str() + " identity " + quote(v.identity) +
                   " key " + v.key + " (" + v.origin + ")\n";
        for (const auto& note : v.notes)
            out += "          " + note + "\n";
        print_out(out);
        return 0;
    });
}

} // namespace

int verb_image(const Context& ctx, const VerbArgs& args) {
    const auto& pos = args.parsed.positionals;
    const std::string& action = pos[0];
    // Arguments after the action: {min, max} (max -1: any number).
    struct Action {
        const char* name;
        size_t min, max;
        const char* usage;
    };
    static constexpr Action kActions[] = {
        {"import", 1, 1, "import [--name NAME] LAYOUT[:TAG|@sha256:HEX]|ARCHIVE"},
        {"ls", 0, 0, "ls [--format table|json] [-q]"},
        {"inspect", 1, size_t(-1), "inspect REF..."},
        {"rm", 1, size_t(-1), "rm [--force] REF..."},
        {"sign", 1, 1, "sign --key KEY LAYOUT[:TAG]"},
        {"verify", 1, 1, "verify --key PUB LAYOUT[:TAG|@sha256:HEX]"},
    };
    const Action* a = nullptr;
    for (const auto& candidate : kActions)
        if (action == candidate.name)
            a = &candidate;
    if (!a)
        throw UsageError("image", "unknown image action " + quote(action) +
                                      ": want import, ls, inspect, rm, sign or verify");
    size_t n = pos.size() - 1;
    if (n < a->min || n > a->max)
        throw UsageError("image", std::string("ward: usage: image ") + a->usage);
    if (action == "import")
        return image_import(ctx, args);
    if (action == "ls")
        return image_ls(ctx, args);
    if (action == "inspect")
        return image_inspect(ctx, args);
    if (action == "rm")
        return image_rm(ctx, args);
    trust::ImageRef ref = trust::parse_image_ref(pos[1]);
    return action == "sign" ? sign(args, ref) : verify(args, ref);
}

} // namespace ward::cli
