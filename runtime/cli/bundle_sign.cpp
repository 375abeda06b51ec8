// `ward sign --key K BUNDLE` and `ward verify [--key PUB ...] BUNDLE`: signed
// plain bundles (trust/bundle_sign.hpp), for bundles not made from a store
// image.
#include "ward/trust/bundle_sign.hpp"

#include "verbs.hpp"
#include "ward/base/error.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"
#include "ward/policy/policy.hpp"
#include "ward/trust/admission.hpp"

#include <chrono>
#include <cstdio>

namespace ward::cli {
namespace {

trust::WalkOptions walk_options(const VerbArgs& args, const char* verb) {
    trust::WalkOptions walk;
    if (auto threads = args.parsed.value("threads")) {
        auto n = parse_uint(*threads);
        if (!n || *n == 0 || *n > 1024)
            throw UsageError(verb, "invalid value " + quote(*threads) +
                                       " for flag -threads: want a number from 1 to 1024");
        walk.threads = static_cast<unsigned>(*n);
    }
    return walk;
}

// "12 files, 3.4 MB hashed in 0.012 s (283 MB/s, 2 threads)"
std::string figures(uint64_t files, uint64_t bytes, double seconds, unsigned threads) {
    char buf[160];
    double mb = static_cast<double>(bytes) / 1e6;
    std::snprintf(buf, sizeof buf, "%llu files, %.1f MB hashed in %.3f s (%.0f MB/s, %u thread%s)",
                  static_cast<unsigned long long>(files), mb, seconds,
                  seconds > 0 ? mb / seconds : 0.0, threads, threads == 1 ? "" : "s");
    return buf;
}

double since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Without --key: the keys the policy's trust section gives bundles (the
// ones create would check them with).
std::vector<trust::PublicKey> policy_keys(const Context& ctx) {
    policy::Effective eff = policy::select_policy(ctx.options.policy_file);
    std::vector<trust::PublicKey> keys;
    if (eff.policy.trust)
        for (const auto& req : eff.policy.trust->bundle_requirements()) {
            if (req.type != policy::Requirement::Type::sigstore_signed)
                continue;
            trust::RequirementKeys loaded = trust::requirement_keys(req);
            for (const auto& skipped : loaded.skipped)
                log::warn(skipped);
            for (auto& key : loaded.keys)
                keys.push_back(std::move(key));
        }
    if (keys.empty())
        fail("no --key given, and policy " + quote(eff.policy.name) + " (" + eff.source +
             ") names no key for signed bundles");
    return keys;
}

} // namespace

int verb_sign(const Context&, const VerbArgs& args) {
    std::string key_path = args.parsed.value("key").value_or("");
    if (key_path.empty())
        throw UsageError("sign", "ward: \"sign\" requires --key FILE");
    const std::string& bundle = args.parsed.positionals.front();
    trust::SignBundleOptions options;
    options.walk = walk_options(args, "sign");
    trust::PrivateKey key = trust::PrivateKey::load(key_path);
    auto start = std::chrono::steady_clock::now();
    trust::SignedBundle r = with_context("sign bundle " + bundle,
                                         [&] { return trust::sign_bundle(bundle, key, options); });
    print_out("signed bundle " + bundle + " with " + key_path + "\nconfig    config.json " +
              r.payload.config.str() + "\nrootfs    " + r.rootfs + ": " +
              figures(r.files, r.bytes, since(start), trust::walk_threads(options.walk)) +
              "\nrecord    " + trust::kBundleRecordFile + " " + r.payload.record.str() +
              "\nsignature " + trust::kBundleSignatureFile + "\n");
    return 0;
}

int verb_verify(const Context& ctx, const VerbArgs& args) {
    const std::string& bundle = args.parsed.positionals.front();
    std::vector<trust::PublicKey> keys;
    for (const auto& path : args.parsed.values_of("key"))
        keys.push_back(trust::PublicKey::load(path));
    if (keys.empty())
        keys = policy_keys(ctx);
    trust::VerifyBundleOptions options;
    options.walk = walk_options(args, "verify");
    auto start = std::chrono::steady_clock::now();
    trust::VerifiedBundle v = trust::verify_bundle(bundle, keys, options);
    print_out("verified bundle " + bundle + "\nsignature " + trust::kBundleSignatureFile + " key " +
              v.key + "\nconfig    config.json " + v.payload.config.str() + "\nrootfs    " +
              v.rootfs + ": " +
              figures(v.files, v.bytes, since(start), trust::walk_threads(options.walk)) +
              ", as recorded in " + trust::kBundleRecordFile + " " + v.payload.record.str() + "\n");
    return 0;
}

} // namespace ward::cli
