// signedIdentity rules applied to a signature's docker-reference, with
// the reasons a refusal gives (see identity.hpp for the semantics).
#include "ward/trust/identity.hpp"

#include "ward/base/strings.hpp"
#include "ward/trust/reference.hpp"

namespace ward::trust {
namespace {

using policy::SignedIdentity;
using Kind = SignedIdentity::Kind;

// What the rule wanted and why the signature's reference is not it.
struct Judge {
    const SignedIdentity& rule;
    std::string said; // `identity "..."`

    std::string type() const { return policy::signed_identity_name(rule.kind); }
    std::string wants(const std::string& what) const {
        return said + ", " + type() + " wants " + what;
    }
    std::string repository_only(const std::string& what) const {
        return said + " is a repository without a tag or digest (cosign's form); " + type() +
               " wants " + what;
    }
    // A reference the policy itself names, when it is not one.
    std::string bad_rule_field(const char* field, const std::string& value) const {
        return type() + "'s " + field + " " + quote(value) + " is not a docker reference";
    }
};

// matchRepoDigestOrExact, also the last step of remapIdentity.
std::optional<std::string> repo_digest_or_exact(const Judge& judge, const Reference& image,
                                                const Reference& got) {
    if (got.name_only())
        return judge.repository_only(quote(image.tag.empty() ? image.name : image.str()));
    if (!image.tag.empty())
        return got.str() == image.str() ? std::nullopt
                                        : std::optional(judge.wants(quote(image.str())));
    if (!image.digest.empty())
        return got.name == image.name
                   ? std::nullopt
                   : std::optional(judge.wants("repository " + quote(image.name)));
    return "image name " + quote(image.str()) + " has neither a tag nor a digest";
}

// The image's name with the rule's prefix replaced by its signedPrefix,
// when its repository is the prefix or below it ('/' after the prefix).
std::optional<Reference> remapped(const SignedIdentity& rule, const Reference& image) {
    const std::string& prefix = rule.prefix;
    bool under = image.name == prefix ||
                 (image.name.starts_with(prefix) && image.name[prefix.size()] == '/');
    if (!under)
        return image;
    std::string text = image.str();
    text.replace(0, prefix.size(), rule.signed_prefix);
    // Already in normal form, or it names something else once normalised.
    auto out = parse_reference(text);
    if (!out || out->str() != text)
        return std::nullopt;
    return out;
}

std::optional<std::string> judge_fixed(const Judge& judge, const Reference& got) {
    const SignedIdentity& rule = judge.rule;
    if (rule.kind == Kind::exact_repository) {
        auto want = parse_reference(rule.repository);
        if (!want || !want->name_only())
            return judge.bad_rule_field("dockerRepository", rule.repository);
        return got.name == want->name
                   ? std::nullopt
                   : std::optional(judge.wants("repository " + quote(want->name)));
    }
    auto want = parse_reference(rule.reference);
    if (!want || want->name_only())
        return judge.bad_rule_field("dockerReference", rule.reference);
    if (got.name_only())
        return judge.repository_only(quote(want->str()));
    return got.str() == want->str() ? std::nullopt : std::optional(judge.wants(quote(want->str())));
}

} // namespace

std::optional<std::string> identity_refusal(const SignedIdentity& rule, const std::string& name,
                                            const std::string& identity) {
    Judge judge{rule, "identity " + quote(identity)};
    auto got = parse_reference(identity);
    if (!got)
        return judge.said + " is not a docker reference";
    if (rule.kind == Kind::exact_reference || rule.kind == Kind::exact_repository)
        return judge_fixed(judge, *got);
    auto image = parse_reference(name);
    if (!image)
        return "image name " + quote(name) + " is not a docker reference";
    switch (rule.kind) {
    case Kind::match_exact:
        if (image->name_only())
            return "image name " + quote(name) + " has neither a tag nor a digest";
        if (got->name_only())
            return judge.repository_only(quote(image->str()));
        return got->str() == image->str() ? std::nullopt
                                          : std::optional(judge.wants(quote(image->str())));
    case Kind::match_repo_digest_or_exact:
        return repo_digest_or_exact(judge, *image, *got);
    case Kind::match_repository:
        return got->name == image->name
                   ? std::nullopt
                   : std::optional(judge.wants("repository " + quote(image->name)));
    case Kind::remap_identity: {
        auto mapped = remapped(rule, *image);
        if (!mapped)
            return "remapIdentity: " + quote(name) + " with " + quote(rule.prefix) +
                   " replaced by " + quote(rule.signed_prefix) +
                   " is not a docker reference in normal form";
        return repo_digest_or_exact(judge, *mapped, *got);
    }
    case Kind::exact_reference:
    case Kind::exact_repository:
        break; // judged above
    }
    return "unknown signedIdentity";
}

} // namespace ward::trust
