// rdma: linux.resources.rdma → rdma.max "DEV hca_handle=N hca_object=M".
#include "controller.hpp"
#include "ward/base/strings.hpp"

namespace ward::cgroups {
namespace {

void plan(const spec::Resources& r, Planner& p) {
    for (const auto& [dev, limit] : r.rdma) {
        std::string field = "rdma[" + quote(dev) + "]";
        if (dev.empty() || dev.find_first_of(" \t\n=") != std::string::npos)
            refuse(field, "not an RDMA device name");
        if (!limit.hca_handles && !limit.hca_objects)
            refuse(field, "sets neither hcaHandles nor hcaObjects");
        std::string value = dev;
        if (limit.hca_handles)
            value += " hca_handle=" + std::to_string(*limit.hca_handles);
        if (limit.hca_objects)
            value += " hca_object=" + std::to_string(*limit.hca_objects);
        p.add("rdma.max", value, field);
    }
}

} // namespace

const Controller kRdmaController{"rdma", plan, nullptr};

} // namespace ward::cgroups
