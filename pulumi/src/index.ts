// @skewless/pulumi: what a Pulumi program imports to deploy a Skewless feature repo.
export * from "./components";
export * from "./provider";
