// A compact icon button for table rows, named for screen readers and explained on hover.
// Other props (and the ref) go to the button, so a Popconfirm or Dropdown can wrap it.
import { Button, Tooltip, type ButtonProps } from "antd";
import type { ReactNode, Ref } from "react";

interface Props extends Omit<ButtonProps, "icon" | "children"> {
  label: string;
  icon: ReactNode;
  ref?: Ref<HTMLButtonElement | HTMLAnchorElement>;
}

export default function IconAction({ label, icon, ref, ...button }: Props) {
  return (
    <Tooltip title={label}>
      <Button ref={ref} size="small" type="text" icon={icon} aria-label={label} {...button} />
    </Tooltip>
  );
}
