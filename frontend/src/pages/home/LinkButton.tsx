// A real link (href, so it opens in a new tab with a middle or Ctrl/Cmd click) that looks like an antd
// Button and navigates inside the app on a plain click, as react-router's <Link> does.
import { Button, type ButtonProps } from "antd";
import type { KeyboardEvent } from "react";
import { useHref, useLinkClickHandler } from "react-router";

type Props = Omit<ButtonProps, "href" | "onClick"> & { to: string };

export default function LinkButton({ to, ...props }: Props) {
  const href = useHref(to);
  const onClick = useLinkClickHandler<HTMLElement>(to);
  // It keeps the button role its callers (and the browser tests) know it by, so Space activates it too.
  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key === " ") {
      event.preventDefault();
      event.currentTarget.click();
    }
  };
  return <Button {...props} href={href} role="button" onClick={onClick} onKeyDown={onKeyDown} />;
}
