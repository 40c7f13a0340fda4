import * as vscode from 'vscode';
import type { GlanceImage } from '../../openstack/glance';
import { ImageSpec, tripleoImages } from '../../tripleo/images';
import type { ConnectionManager } from '../connectionManager';

export type ImageTreeElement = { kind: 'image'; spec: ImageSpec; image?: GlanceImage } | { kind: 'message'; text: string; error?: boolean };

const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

/** The images TripleO deploys with, as Glance holds them (newest of each name), or "missing". */
export class ImageTreeProvider implements vscode.TreeDataProvider<ImageTreeElement>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly manager: ConnectionManager) {
    this.sub = manager.onDidChange(() => this.refresh());
  }

  refresh(): void {
    this.emitter.fire();
  }

  async getChildren(element?: ImageTreeElement): Promise<ImageTreeElement[]> {
    const uc = this.manager.undercloud;
    if (element || !uc) return [];
    try {
      return (await tripleoImages(uc.glance)).map((i) => ({ kind: 'image', ...i }));
    } catch (e) {
      return [{ kind: 'message', text: (e as Error).message, error: true }];
    }
  }

  getTreeItem(e: ImageTreeElement): vscode.TreeItem {
    if (e.kind === 'message') {
      const item = new vscode.TreeItem(e.text);
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      return item;
    }
    const item = new vscode.TreeItem(e.spec.name);
    item.id = `image:${e.spec.name}`;
    const i = e.image;
    item.description = i ? `${i.disk_format ?? ''} · ${mib(Number(i.size ?? 0))}` : `missing (${e.spec.file})`;
    item.iconPath = i
      ? new vscode.ThemeIcon('file-binary', new vscode.ThemeColor('testing.iconPassed'))
      : new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
    item.tooltip = i
      ? `${e.spec.name} ${i.id}\nfrom ${e.spec.file}\n${i.status}, ${i.size} bytes, md5 ${i.checksum}\ncreated ${i.created_at}${i.kernel_id ? `\nkernel ${i.kernel_id}\nramdisk ${i.ramdisk_id}` : ''}`
      : `No active ${e.spec.name} image in Glance: run "TripleO: Upload Images" on a folder holding ${e.spec.file}`;
    item.contextValue = i ? 'image' : 'image.missing';
    return item;
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
