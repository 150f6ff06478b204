// Lint only (no formatting rules): bugs a type checker does not catch, above all promises nobody
// awaits. Type-aware, over the same files as the TypeScript projects.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", ".bench/**", "stacks/feature_repo/**", "runtime/bin/**", "**/*.js", "**/*.mjs", "**/*.cjs"] },
  {
    files: ["**/*.ts", "**/*.mts"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      parserOptions: {
        project: ["runtime/tsconfig.json", "pulumi/tsconfig.json", "tsconfig.json", "tsconfig.check.json"],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/return-await": ["error", "in-try-catch"],
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-console": "off",
      // Deliberate patterns here, not bugs: lazy require() in Pulumi dynamic providers (their code is
      // serialized with the function) and for package.json; `self` in async generators; `(a(), b())`.
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-this-alias": ["error", { allowedNames: ["self"] }],
      "@typescript-eslint/no-unused-expressions": ["error", { allowShortCircuit: true, allowTernary: true }],
      "no-sequences": "off",
      // Flags every error thrown inside a catch, such as a lock timeout while retrying after EEXIST.
      "preserve-caught-error": "off",
      // Style, not correctness; no formatting rules here.
      "no-regex-spaces": "off",
      // tsc (noUnusedLocals, noUnusedParameters) already reports these, with `_` names allowed
      "@typescript-eslint/no-unused-vars": "off",
      "no-unused-vars": "off",
    },
  },
);
