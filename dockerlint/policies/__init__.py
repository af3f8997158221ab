"""Organisation policies written by the user: custom rules in CEL and Kubernetes
ValidatingAdmissionPolicies evaluated offline.

- `loader`: `custom-rules = ["policies/*.yaml"]` files -> a `PolicySet` (native rules with `X`
  codes, admission policies, their bindings and param objects); every problem is a config
  error naming the file, line and problem.
- `cel_runtime`: the CEL environment (cel-expr-python, the optional `cel` extra, imported only
  when custom rules are configured) with the Kubernetes library functions of `k8s_functions`.
- `native`: the rule class every native rule becomes (listed by `dockerlint rules`, selected
  and suppressed like any rule) and the models it sees: `object` (Kubernetes), `service` and
  `name` (Compose), `instruction` and `stage` (Dockerfile).
- `admission`: a ValidatingAdmissionPolicy + binding evaluated as the API server would, for
  the KS900 rule.
"""
