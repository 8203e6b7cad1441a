// The children of anything that lists runs: the loaded runs, a Load more node while
// there are more, or the node that explains an error or an empty result.
import * as l10n from '@vscode/l10n';
import { LoadMoreNode } from './loadMoreNode';
import { errorNode } from './errorNodes';
import { MessageNode } from './messageNode';
import { RunNode } from './runNode';
import type { RunListing } from '../../store/runListing';
import type { HistorySource } from '../../core/source';
import type { TreeContext, TreeNode } from './treeNode';

export async function listingChildren(parent: TreeNode, listing: RunListing, sourceId: string, source: HistorySource, ctx: TreeContext): Promise<TreeNode[]> {
  await listing.ensureFirstPage();
  const nodes: TreeNode[] = listing.runs.map((run) => new RunNode(parent, run, sourceId, source, ctx));
  if (listing.error !== undefined) nodes.push(errorNode(parent, sourceId, listing.error));
  else if (listing.runs.length === 0) nodes.push(new MessageNode(parent, `${parent.id}/empty`, 'empty', l10n.t('No runs match the filter.')));
  else if (listing.hasMore) nodes.push(new LoadMoreNode(parent, listing));
  return nodes;
}
