file(READ ${IN} content)
# A raw string delimiter that SQL and YAML never contain.
file(WRITE ${OUT_HPP} "#pragma once\n#include <string_view>\nstd::string_view ${SYMBOL}();\n")
file(WRITE ${OUT_CPP} "#include \"${SYMBOL}.hpp\"\nstd::string_view ${SYMBOL}() {\n  static constexpr std::string_view text = R\"qm_embed(${content})qm_embed\";\n  return text;\n}\n")
