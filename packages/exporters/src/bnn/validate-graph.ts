import { checkDeployGraph, type DeployGraph, type DeployIssue } from '@bnn-studio/bnn-core';

/** One issue as the `.bnn` / `.tflite` writers and reader word it: `node "conv2": <message>`. */
export function describeDeployIssue(issue: DeployIssue): string {
  return issue.sourceNode === undefined ? issue.message : `node "${issue.sourceNode}": ${issue.message}`;
}

/**
 * The problems of a DeployGraph written to or read from a file, from bnn-core's `checkDeployGraph` (the one
 * validator: every op against its contract, weight types and lengths, shapes, order). Empty when consistent.
 */
export function deployGraphProblems(graph: DeployGraph): string[] {
  return checkDeployGraph(graph).map(describeDeployIssue);
}
