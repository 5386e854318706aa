// /channel/add and /channel/edit/:id: loads what the form needs, then hands over to ChannelForm.
import { Button, Card, Result, Skeleton } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { channelApi } from "./channelApi";
import ChannelForm from "./ChannelForm";
import type { Channel } from "./types";
import { useChannelTypes } from "./useChannelTypes";

export default function EditChannelPage() {
  const { t } = useTranslation("channels");
  const navigate = useNavigate();
  const { id } = useParams();
  const editing = id !== undefined;
  const { types, loading: typesLoading, error: typesError } = useChannelTypes();
  const [channel, setChannel] = useState<Channel | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [groups, setGroups] = useState<string[]>([]);

  useEffect(() => {
    if (!editing) return;
    let live = true;
    const channelId = Number(id);
    const request = Number.isInteger(channelId) && channelId > 0
      ? channelApi.get(channelId)
      : Promise.reject(new Error(t("form.notFound")));
    request
      .then((found) => live && setChannel(found))
      .catch((err: unknown) => live && setLoadError(err instanceof Error ? err.message : String(err)));
    return () => {
      live = false;
    };
  }, [editing, id, t]);

  useEffect(() => {
    let live = true;
    // Groups only feed the suggestions; typing a new group still works when they cannot be read.
    channelApi.groups().then((list) => live && setGroups(list)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  const problem = loadError ?? typesError;
  if (problem) {
    return (
      <Result status="error" title={t(editing ? "form.loadFailed" : "form.typesFailed")} subTitle={problem}
        extra={<Button onClick={() => navigate("/channel")}>{t("form.backToList")}</Button>} />
    );
  }
  if (typesLoading || (editing && !channel)) {
    return (
      <Card title={t(editing ? "form.editTitle" : "form.addTitle")}>
        <Skeleton active paragraph={{ rows: 8 }} />
      </Card>
    );
  }
  return <ChannelForm key={channel?.id ?? "new"} channel={channel} types={types} groups={groups} />;
}
