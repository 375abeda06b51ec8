#include "ward/seccomp/program_cache.hpp"

#include "ward/base/hex.hpp"

#include <cstdio>
#include <cstring>
#include <elf.h>
#include <link.h>
#include <seccomp.h>

namespace ward::seccomp {

namespace {

// The main program's NT_GNU_BUILD_ID as hex; empty when it has none.
std::string build_id() {
    std::string out;
    ::dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* data) -> int {
            auto& id = *static_cast<std::string*>(data);
            for (int i = 0; i < info->dlpi_phnum; ++i) {
                const ElfW(Phdr)& ph = info->dlpi_phdr[i];
                if (ph.p_type != PT_NOTE)
                    continue;
                const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
                const char* end = p + ph.p_memsz;
                while (p + sizeof(ElfW(Nhdr)) <= end) {
                    const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(p);
                    const char* name = p + sizeof(ElfW(Nhdr));
                    const char* desc = name + ((note->n_namesz + 3) & ~3u);
                    if (desc + note->n_descsz > end)
                        break;
                    if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 &&
                        std::memcmp(name, "GNU", 4) == 0) {
                        id = to_hex(std::string_view(desc, note->n_descsz));
                        return 1;
                    }
                    p = desc + ((note->n_descsz + 3) & ~3u);
                }
            }
            return 1; // the first object is the main program: look no further
        },
        &out);
    return out;
}

std::string cache_header() {
    std::string id = build_id();
    const scmp_version* v = seccomp_version();
    if (id.empty() || !v)
        return "";
    return "ward seccomp program cache v1, build " + id + ", libseccomp " +
           std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
           std::to_string(v->micro) + "\n";
}

// Every field with its length first, so no two profiles share a key.
void field(std::string& out, const std::string& value) {
    out += std::to_string(value.size()) + ":" + value + ";";
}

void number(std::string& out, std::optional<uint64_t> value) {
    field(out, value ? std::to_string(*value) : "-");
}

} // namespace

ProgramCache::ProgramCache(const std::string& state_root) {
    std::string header = cache_header();
    if (!header.empty())
        files_.emplace(state_root + "/@seccomp", std::move(header));
}

std::string ProgramCache::key_of(const spec::Seccomp& profile) {
    std::string out;
    field(out, profile.default_action);
    number(out, profile.default_errno_ret);
    number(out, profile.architectures.size());
    for (const auto& arch : profile.architectures)
        field(out, arch);
    number(out, profile.syscalls.size());
    for (const auto& rule : profile.syscalls) {
        number(out, rule.names.size());
        for (const auto& name : rule.names)
            field(out, name);
        field(out, rule.action);
        number(out, rule.errno_ret);
        number(out, rule.args.size());
        for (const auto& arg : rule.args) {
            number(out, arg.index);
            number(out, arg.value);
            number(out, arg.value_two);
            field(out, arg.op);
        }
    }
    return out;
}

std::optional<CachedProgram> ProgramCache::find(const spec::Seccomp& profile) const {
    if (!files_)
        return std::nullopt;
    std::optional<std::string> value = files_->get(key_of(profile));
    if (!value)
        return std::nullopt;
    // "RULES INSTRUCTIONS\n" and exactly that many instructions.
    size_t eol = value->find('\n');
    unsigned long rules = 0, count = 0;
    if (eol == std::string::npos || std::sscanf(value->c_str(), "%lu %lu\n", &rules, &count) != 2 ||
        count == 0 || value->size() - eol - 1 != count * sizeof(sock_filter))
        return std::nullopt;
    CachedProgram out;
    out.rules = static_cast<int>(rules);
    out.program.resize(count);
    std::memcpy(out.program.data(), value->data() + eol + 1, count * sizeof(sock_filter));
    return out;
}

void ProgramCache::remember(const spec::Seccomp& profile, std::span<const sock_filter> program,
                            int rules) const {
    if (!files_ || program.empty())
        return;
    std::string value = std::to_string(rules) + " " + std::to_string(program.size()) + "\n";
    value.append(reinterpret_cast<const char*>(program.data()), program.size_bytes());
    files_->put(key_of(profile), value);
}

} // namespace ward::seccomp
