import * as vscode from 'vscode';
import { listPlanContainers, PlanSummary } from '../../tripleo/plans';
import type { Undercloud } from '../../tripleo/undercloud';
import { UndercloudTreeProvider } from './undercloudTreeProvider';

export class PlanTreeProvider extends UndercloudTreeProvider<PlanSummary> {
  protected readonly emptyMessage = 'No deployment plans in this undercloud yet';

  protected list(undercloud: Undercloud): Promise<PlanSummary[]> {
    return listPlanContainers(undercloud.swift);
  }

  protected item(plan: PlanSummary): vscode.TreeItem {
    const item = new vscode.TreeItem(plan.name);
    item.id = `plan:${plan.name}`;
    item.description = `${plan.objects} files`;
    item.iconPath = new vscode.ThemeIcon('layers');
    item.contextValue = 'plan';
    item.tooltip = `Deployment plan ${plan.name}: ${plan.objects} files, ${plan.bytes} bytes`;
    return item;
  }
}
