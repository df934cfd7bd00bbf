import { AutoSizeApp } from '../../autosize/AutoSizeApp';

export const metadata = { title: 'Auto-size · BNN Studio' };

export default function AutoSizeRoute() {
  return <AutoSizeApp />;
}
