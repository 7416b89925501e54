// Schema-like types the cty targets decode against (the first input byte
// picks one): nested blocks as lists/sets of objects, maps, tuples, optional
// attributes and dynamic values, like the provider's resource schemas.
#ifndef DCS_FUZZ_TARGETS_CTY_TYPES_H_
#define DCS_FUZZ_TARGETS_CTY_TYPES_H_

#include <vector>

#include "sdk/cty/type.h"

namespace dcs::fuzz {

inline const std::vector<cty::Type>& SchemaTypes() {
  using cty::Type;
  static const std::vector<Type> types = [] {
    Type image = Type::Object({{"url", Type::String()},
                               {"basic_auth", Type::List(Type::Object({{"username", Type::String()},
                                                                        {"password", Type::String()}}))}});
    Type cluster = Type::Object({{"id", Type::String()},
                                 {"num_workers", Type::Number()},
                                 {"autotermination_minutes", Type::Number()},
                                 {"no_wait", Type::Bool()},
                                 {"spark_conf", Type::Map(Type::String())},
                                 {"ssh_public_keys", Type::List(Type::String())},
                                 {"docker_image", Type::List(image)},
                                 {"init_scripts", Type::Set(Type::Object({{"dbfs", Type::String()},
                                                                          {"order", Type::Number()}}))},
                                 {"timeouts", Type::Object({{"create", Type::String()}, {"delete", Type::String()}},
                                                           {"create", "delete"})}});
    return std::vector<Type>{
        cluster,
        Type::Dynamic(),
        Type::Object({{"any", Type::Dynamic()}, {"tags", Type::Map(Type::Dynamic())}}),
        Type::Tuple({Type::String(), Type::Number(), Type::Bool(), Type::List(Type::Dynamic())}),
        Type::Set(Type::Map(Type::List(Type::Number()))),
        Type::List(cluster),
    };
  }();
  return types;
}

}  // namespace dcs::fuzz

#endif  // DCS_FUZZ_TARGETS_CTY_TYPES_H_
