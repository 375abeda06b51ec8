// The runtime's parsers of documents an operator, an engine or a state dir
// hands ward, as fuzz entry points (the trust side's are in targets.hpp).
// Each must return or throw ward::Error; anything else (a crash, a
// sanitizer report, another exception type, a hang) is a bug. A round trip
// that should hold (a policy written back parses to the same document, a
// state written back reads the same) is checked, and a broken one aborts.
#pragma once

#include "ward/base/error.hpp"
#include "ward/container/state.hpp"
#include "ward/dbus/marshal.hpp"
#include "ward/dbus/variant_text.hpp"
#include "ward/json/json.hpp"
#include "ward/policy/policy.hpp"
#include "ward/seccomp/analysis.hpp"
#include "ward/seccomp/filter.hpp"
#include "ward/spec/parse.hpp"

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace ward::fuzz {

[[noreturn]] inline void broken(const char* what, const std::string& detail) {
    std::fprintf(stderr, "fuzz: %s\n%s\n", what, detail.c_str());
    std::abort();
}

// config.json: parse and validate, then write the Spec back.
inline void runtime_config(std::string_view data) {
    try {
        spec::Spec s = spec::parse_spec(data, "config.json");
        json::serialize(spec::spec_to_json(s), json::Style::pretty);
    } catch (const ward::Error&) {
    }
}

// A policy document; one that parses must write back to a document that
// parses to the same JSON.
inline void policy_document(std::string_view data) {
    std::string once;
    try {
        once = json::serialize(policy::policy_to_json(policy::parse_policy(data, "policy.json")));
    } catch (const ward::Error&) {
        return;
    }
    try {
        std::string twice =
            json::serialize(policy::policy_to_json(policy::parse_policy(once, "written")));
        if (twice != once)
            broken("policy written back reads differently", once + "\n" + twice);
    } catch (const ward::Error& e) {
        broken("policy written back does not parse", once + "\n" + e.what());
    }
}

// An org.systemd.property.* annotation's value (GVariant text); one that
// parses must marshal as a variant.
inline void variant_text(std::string_view data) {
    try {
        dbus::Value v = dbus::parse_variant_text(data);
        dbus::Writer w;
        dbus::write_variant(w, v);
    } catch (const ward::Error&) {
    }
}

// A seccomp profile file in every shape load_profile takes (OCI
// linux.seccomp, a config.json, a moby profile), resolved for two
// capability sets and architectures; compiled with libseccomp when small
// (a full profile takes milliseconds, which would starve the fuzzer).
inline void seccomp_profile(std::string_view data) {
    seccomp::ProfileSource plain;
    plain.kernel = "6.1"; // not this machine's: the same input, the same result
    seccomp::ProfileSource admin;
    admin.capabilities = {"CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_BPF"};
    admin.arch = "SCMP_ARCH_AARCH64";
    admin.kernel = "4.8";
    for (const auto* resolve : {&plain, &admin}) {
        try {
            spec::Seccomp profile = seccomp::parse_profile(data, "profile.json", *resolve);
            std::size_t names = 0;
            for (const auto& rule : profile.syscalls)
                names += rule.names.size();
            if (names <= 64 && profile.architectures.size() <= 3)
                seccomp::Filter::compile(profile);
        } catch (const ward::Error&) {
        }
    }
}

// process.json as `ward exec --process FILE` reads it.
inline void process_document(std::string_view data) {
    try {
        spec::process_from_json(json::parse(data), "process.json");
    } catch (const ward::Error&) {
    }
}

// state.json as StateDir::load reads it; what parses must write back to a
// document that reads the same.
inline void state_document(std::string_view data) {
    container::State s;
    try {
        s = container::parse_state(data, "state.json");
    } catch (const ward::Error&) {
        return;
    }
    std::string once = container::serialize_state(s);
    try {
        std::string twice = container::serialize_state(container::parse_state(once, "written"));
        if (twice != once)
            broken("state written back reads differently", once + "\n" + twice);
    } catch (const ward::Error& e) {
        broken("state written back does not parse", once + "\n" + e.what());
    }
}

} // namespace ward::fuzz
