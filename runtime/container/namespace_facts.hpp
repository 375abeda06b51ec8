// Which namespaces a config joins by path are the host's own: what the
// namespaces rule needs to let a container join its pod's sandbox and
// still refuse the host's (policy::CreateFacts::joined).
#pragma once

#include "ward/policy/policy.hpp"
#include "ward/spec/config.hpp"

namespace ward::container {

// One fact per namespace joined by a path that exists now: the same nsfs
// inode as ward's own namespace of that type means the host's. (A path
// that does not exist gets no fact: the rule refuses the join, and the
// join would fail anyway.)
void add_joined_namespace_facts(const spec::Spec& spec, policy::CreateFacts& facts);

} // namespace ward::container
