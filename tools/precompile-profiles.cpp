// Build-time compiler of the built-in seccomp profiles: prints a C++ source
// holding, for each profile, its BPF program as this build's
// Filter::compile (the very code the runtime would run) produces it for
// this machine's architectures, and its section as spec's parser reads it
// (embedded::ProfileSpec), so the runtime neither compiles nor parses a
// built-in profile. Linked with tools/no-precompiled-profiles.cpp, so it
// never sees an older output of itself. Called by the Makefile.
#include "ward/base/error.hpp"
#include "ward/seccomp/filter.hpp"
#include "ward/seccomp/profiles.hpp"

#include <cstdio>
#include <string>
#include <vector>

using namespace ward;

namespace {

std::string identifier(const std::string& prefix, const std::string& name) {
    std::string out = prefix;
    for (char c : name)
        out += (c == '-' ? '_' : c);
    return out;
}

// A C string literal; anything but plain printable ASCII is written octal.
std::string literal(const std::string& text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\%03o", c);
            out += buf;
        }
    }
    return out + "\"";
}

// Prints the program's array; returns its kPrograms entry.
std::string print_program(const std::string& name, const spec::Seccomp& profile) {
    auto filter = seccomp::Filter::compile(profile);
    std::string id = identifier("kProgram_", name);
    std::printf("const sock_filter %s[] = {\n", id.c_str());
    for (const auto& insn : filter.program())
        std::printf("    {0x%04x, %u, %u, 0x%08x},\n", insn.code, insn.jt, insn.jf, insn.k);
    std::printf("};\n");
    return "    {" + literal(name) + ", " + id + ", " + std::to_string(filter.program().size()) +
           ", " + std::to_string(filter.rule_count()) + "},\n";
}

// The spec tables of every profile, pointer-free (embedded.hpp): strings
// pooled once in kSpecText, lists as ranges of the shared arrays.
class SpecTables {
  public:
    void add(const std::string& name, const spec::Seccomp& profile) {
        if (!profile.listener_path.empty() || !profile.listener_metadata.empty())
            fail("seccomp profile " + name + ": a built-in profile cannot name a listener");
        auto first_rule = rules_.size();
        for (const spec::SeccompSyscall& rule : profile.syscalls) {
            auto first_name = strings(rule.names);
            auto first_arg = args_.size();
            for (const auto& a : rule.args)
                args_.push_back("{" + std::to_string(a.index) + ", " + std::to_string(a.value) +
                                "ULL, " + std::to_string(a.value_two) + "ULL, " + text(a.op) + "}");
            rules_.push_back("{" + first_name + ", " + std::to_string(rule.names.size()) + ", " +
                             text(rule.action) + ", " + optional(rule.errno_ret) + ", " +
                             std::to_string(first_arg) + ", " + std::to_string(rule.args.size()) +
                             "}");
        }
        auto architectures = strings(profile.architectures);
        auto flags = strings(profile.flags);
        profiles_.push_back("{" + text(name) + ", " + text(profile.default_action) + ", " +
                            optional(profile.default_errno_ret) + ", " + architectures + ", " +
                            std::to_string(profile.architectures.size()) + ", " + flags + ", " +
                            std::to_string(profile.flags.size()) + ", " +
                            std::to_string(first_rule) + ", " +
                            std::to_string(profile.syscalls.size()) + "}");
    }

    void print() const {
        std::printf("const char kSpecText[] =\n");
        for (std::size_t at = 0; at < pool_.size(); at += 96)
            std::printf("    %s\n", literal(pool_.substr(at, 96)).c_str());
        std::printf("    \"\";\n");
        array("Text", "kSpecStrings", strings_, "{0, 0}");
        array("SpecArg", "kSpecArgs", args_, "{0, 0, 0, {0, 0}}");
        array("SpecRule", "kSpecRules", rules_, "{0, 0, {0, 0}, false, 0, 0, 0}");
        array("ProfileSpec", "kProfileSpecs", profiles_, "");
        std::printf("const std::size_t kProfileSpecCount = %zu;\n", profiles_.size());
    }

  private:
    // A string's Text, pooled: each distinct string is written once.
    std::string text(const std::string& value) {
        auto at = pool_.find(value);
        if (value.empty())
            at = 0;
        else if (at == std::string::npos) {
            at = pool_.size();
            pool_ += value;
        }
        return "{" + std::to_string(at) + ", " + std::to_string(value.size()) + "}";
    }

    // Appends the strings to kSpecStrings; returns the index of the first.
    std::string strings(const std::vector<std::string>& values) {
        auto first = strings_.size();
        for (const auto& v : values)
            strings_.push_back(text(v));
        return std::to_string(first);
    }

    static std::string optional(const std::optional<uint32_t>& value) {
        return value ? "true, " + std::to_string(*value) : "false, 0";
    }

    // C++ has no empty arrays: an unused entry where there is nothing.
    static void array(const char* type, const char* id, const std::vector<std::string>& items,
                      const char* unused) {
        std::printf("const %s %s[] = {\n", type, id);
        for (const auto& item : items)
            std::printf("    %s,\n", item.c_str());
        if (items.empty())
            std::printf("    %s,\n", unused);
        std::printf("};\n");
    }

    std::string pool_;
    std::vector<std::string> strings_;
    std::vector<std::string> args_;
    std::vector<std::string> rules_;
    std::vector<std::string> profiles_;
};

} // namespace

int main() {
    try {
        std::string programs;
        SpecTables specs;
        std::printf("// Generated by tools/precompile-profiles.cpp; do not edit.\n"
                    "#include \"runtime/seccomp/embedded.hpp\"\n"
                    "namespace ward::seccomp::embedded {\nnamespace {\n");
        for (const auto& name : seccomp::builtin_profile_names()) {
            spec::Seccomp profile = seccomp::parse_builtin_profile(name);
            programs += print_program(name, profile);
            specs.add(name, profile);
        }
        std::printf("} // namespace\n"
                    "const Program kPrograms[] = {\n%s};\n"
                    "const std::size_t kProgramCount = sizeof kPrograms / sizeof kPrograms[0];\n",
                    programs.c_str());
        specs.print();
        std::printf("} // namespace ward::seccomp::embedded\n");
        return std::fflush(stdout) == 0 ? 0 : 1;
    } catch (const Error& e) {
        std::fprintf(stderr, "precompile-profiles: %s\n", e.what());
        return 1;
    }
}
